using System.CommandLine;
using Jepa.Config;
using Jepa.Embeddings;
using Jepa.Training;
using Jepa.Video;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa embed</c>: the online encoders' embeddings of every video as .npy files and an index.csv.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var data = new Option<string>("--data") { Description = "Videos: a folder (searched recursively), a glob, a file, a manifest or a jepa index.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the .npy files, index.csv and embed.json (new, empty, or one this command wrote with the same settings, which is resumed).", Required = true };
        var level = new Option<string>("--level") { Description = "1 (frames), 2 (chunks) or all.", DefaultValueFactory = _ => "all" };
        var pool = new Option<string>("--pool") { Description = "none: [T, N, D] tokens; frame: [T, D] (mean over tokens); clip: [D] (mean over tokens and time).", DefaultValueFactory = _ => "none" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or float16.", DefaultValueFactory = _ => "float32" };
        var stride = new Option<int?>("--stride") { Description = "Frames between the starts of consecutive windows (default: the checkpoint's data.frames, windows side by side)." };
        var shard = new Option<string>("--shard") { Description = "i/n: embed only videos k with k mod n = i (e.g. a SLURM array task); writes index-i-of-n.csv.", DefaultValueFactory = _ => "0/1" };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("embed", "Write the online encoders' embeddings of every video (windows of data.frames frames) as .npy files with an index.csv; rerun to resume.")
            { checkpoint, data, output, level, pool, dtype, stride, shard, device };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var options = new EmbedOptions(
                EmbedOptions.ParseLevels(parse.GetValue(level)!), EmbedOptions.ParsePool(parse.GetValue(pool)!),
                EmbedOptions.ParseDtype(parse.GetValue(dtype)!), parse.GetValue(stride), Shard.Parse(parse.GetValue(shard)!));
            if (options.Stride is < 1)
                throw new UsageException($"--stride {options.Stride} must be at least 1 (frames between the starts of consecutive windows).");
            var outDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var videos = VideoList.Resolve(parse.GetValue(data)!);
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var ckpt = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var dev = Devices.Resolve(parse.GetValue(device)!, "--device");
            Devices.SetThreads(0);
            var (header, model) = Checkpoint.LoadModel(ckpt, dev);
            using (model)
            {
                var embedder = new Embedder(model, header.Config, options, dev, log);
                embedder.Settings(ckpt, header.Step).Claim(outDir);
                var r = await embedder.RunAsync(videos, outDir, token);
                Console.WriteLine($"Shard {options.Shard}: {r.Videos} videos, {r.Embedded} embedded, {r.Skipped} already done, {r.Bad} bad; {r.Files} files in {r.IndexPath}"
                    + (r.BadPath is null ? "" : $"; bad videos listed in {r.BadPath}"));
                // Some video embedded or already done: the job did its part. None of them usable: a failure.
                return r.Videos > 0 && r.Bad == r.Videos ? 1 : 0;
            }
        }, ct));
        return command;
    }
}
