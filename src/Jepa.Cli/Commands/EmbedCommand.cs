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
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/ (required unless --merge)." };
        var data = new Option<string?>("--data") { Description = "Videos: a folder (searched recursively), a glob, a file, a manifest or a jepa index (required unless --merge)." };
        var output = new Option<string>("--out") { Description = "Folder for the .npy files, index.csv and embed.json (new, empty, or one this command wrote with the same settings, which is resumed).", Required = true };
        var level = new Option<string>("--level") { Description = "1 (frames), 2 (chunks) or all.", DefaultValueFactory = _ => "all" };
        var pool = new Option<string>("--pool") { Description = "none: [T, N, D] tokens; frame: [T, D] (mean over tokens); clip: [D] (mean over tokens and time).", DefaultValueFactory = _ => "none" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or float16.", DefaultValueFactory = _ => "float32" };
        var stride = new Option<int?>("--stride") { Description = "Frames between the starts of consecutive windows (default: the checkpoint's data.frames, windows side by side)." };
        var shard = new Option<string?>("--shard") { Description = "i/n: embed only videos k (of the sorted list) with k mod n = i, into DIR/index-i-of-n.csv (e.g. a SLURM array task); join the parts with --merge." };
        var merge = new Option<bool>("--merge") { Description = "Join the parts DIR/index-i-of-n.csv (and bad_videos-i-of-n.csv) that jepa embed --shard wrote into DIR/index.csv (no --checkpoint or --data, nothing embedded)." };
        var progress = ProgressBar.Option();
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("embed", "Write the online encoders' embeddings of every video (windows of data.frames frames) as .npy files with an index.csv; rerun to resume.")
            { checkpoint, data, output, level, pool, dtype, stride, shard, merge, device, progress };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            if (parse.GetValue(merge))
            {
                if (parse.GetValue(checkpoint) is not null || parse.GetValue(data) is not null || parse.GetValue(shard) is not null)
                    throw new UsageException("--merge joins the parts already written and takes no --checkpoint, --data or --shard; give only --out.");
                var m = Embedder.Merge(OutputPaths.Folder(parse.GetValue(output)!, "--out"));
                Console.WriteLine($"Merged {m.Videos} videos ({m.Videos - m.Bad} embedded, {m.Bad} bad); {m.Files} files in {m.IndexPath}"
                    + (m.BadPath is null ? "" : $"; bad videos listed in {m.BadPath}"));
                return m.Videos > 0 && m.Bad == m.Videos ? 1 : 0;
            }
            if (parse.GetValue(checkpoint) is null || parse.GetValue(data) is null)
                throw new UsageException("jepa embed needs --checkpoint and --data (or --merge to join the parts --shard wrote).");
            var options = new EmbedOptions(
                EmbedOptions.ParseLevels(parse.GetValue(level)!), EmbedOptions.ParsePool(parse.GetValue(pool)!),
                EmbedOptions.ParseDtype(parse.GetValue(dtype)!), parse.GetValue(stride), parse.GetValue(shard) is { } text ? Shard.Parse(text) : Shard.Whole);
            if (options.Stride is < 1)
                throw new UsageException($"--stride {options.Stride} must be at least 1 (frames between the starts of consecutive windows).");
            var mode = ProgressBar.ParseMode(parse.GetValue(progress));
            var outDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var videos = VideoList.Resolve(parse.GetValue(data)!);
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var (ckpt, dev, header, model) = CliOptions.LoadModel(parse.GetValue(checkpoint)!, parse.GetValue(device)!);
            using (model)
            {
                var embedder = new Embedder(model, header.Config, options, dev, log);
                embedder.Settings(ckpt, header.Step).Claim(outDir);
                EmbedResult r;
                using (var bar = ProgressBar.Start(mode, "embed", Enumerable.Range(0, videos.Count).Count(options.Shard.Holds), "videos"))
                    r = await embedder.RunAsync(videos, outDir, token, done => bar.Report(done));
                Console.WriteLine($"Shard {options.Shard}: {r.Videos} videos, {r.Embedded} embedded, {r.Skipped} already done, {r.Bad} bad; {r.Files} files in {r.IndexPath}"
                    + (r.BadPath is null ? "" : $"; bad videos listed in {r.BadPath}"));
                // Some video embedded or already done: the job did its part. None of them usable: a failure.
                return r.Videos > 0 && r.Bad == r.Videos ? 1 : 0;
            }
        }, ct));
        return command;
    }
}
