using System.CommandLine;
using Jepa.Config;
using Jepa.Worlds;

namespace Jepa.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "What to generate: bouncing (labelled speeds), physics (plausible clips of a world with gravity, a floor and a wall), voe (groups of one plausible and six impossible continuations, with pairs.csv) or rooms (an agent moved by actions through two rooms joined by a door; <video>.actions.csv beside each video).", DefaultValueFactory = _ => "bouncing" };
        var output = new Option<string>("--out") { Description = "Output folder: train/, val/ and manifest.csv (bouncing, physics), or voe/ and pairs.csv (voe).", Required = true };
        var train = new Option<int>("--train") { Description = "bouncing, physics and rooms: training videos.", DefaultValueFactory = _ => new SynthOptions().TrainCount };
        var val = new Option<int>("--val") { Description = "bouncing, physics and rooms: validation videos.", DefaultValueFactory = _ => new SynthOptions().ValCount };
        var seconds = new Option<double>("--seconds") { Description = "Length of each video.", DefaultValueFactory = _ => new SynthOptions().Seconds };
        var fps = new Option<double>("--fps") { Description = "Frame rate of the videos.", DefaultValueFactory = _ => new SynthOptions().Fps };
        var size = new Option<int>("--size") { Description = "Side of the square videos in pixels.", DefaultValueFactory = _ => new SynthOptions().Size };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same videos.", DefaultValueFactory = _ => 0 };
        var gravity = new Option<bool>("--gravity") { Description = "bouncing only: objects fall and bounce off the floor (the physics world always has gravity)." };
        var groups = new Option<int>("--groups") { Description = "voe only: groups of clips sharing a start.", DefaultValueFactory = _ => new SynthOptions().Groups };
        var occluders = new Option<bool>("--occluders") { Description = "physics and voe: the world with occluders. physics: 0 to 2 screens per clip that the object passes behind. voe: every other group passes the object behind a screen and is written as balanced quadruplets (IntPhys: two plausible clips and the two impossible splices of them at the first hidden frame; vanish_behind, hidden_recolour/reshape/resize, reappear_time/place/speed; pairs.csv column balanced=1), the others add balanced changes of look and of motion in plain view (recolour, reshape; slowdown / speed-up, reversal, stop / start: the mirror is another throw through the same point at the splice frame)." };
        var progress = ProgressBar.Option();
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a set already in --out: first remove the files jepa synth writes there (and stop if another file is in its folders)." };

        // The flags each kind reads; another flag given with it would be silently ignored, so it is refused.
        var kindFlags = new Dictionary<string, Option[]>
        {
            ["bouncing"] = [train, val, gravity],
            ["physics"] = [train, val, occluders],
            ["voe"] = [groups, occluders],
            ["rooms"] = [train, val],
        };

        var command = new Command("synth", "Generate synthetic videos: bouncing objects with speed labels (bouncing), plausible clips of a world with gravity, a floor and a wall (physics), groups of one plausible and six impossible continuations with pairs.csv (voe), or an agent exploring two rooms joined by a door, with an action file beside each video (rooms).")
        {
            kind, output, train, val, seconds, fps, size, seed, gravity, groups, occluders, overwrite, progress,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, token =>
        {
            string k = parse.GetValue(kind)!;
            if (k is not ("bouncing" or "physics" or "voe" or "rooms"))
                throw new UsageException($"--kind '{k}' is not known; the kinds are: bouncing, physics, voe, rooms.");
            var misplaced = kindFlags.Values.SelectMany(f => f).Distinct()
                .FirstOrDefault(f => !kindFlags[k].Contains(f) && parse.GetResult(f) is { Implicit: false });
            if (misplaced is not null)
                throw new UsageException($"{misplaced.Name} does not apply to --kind {k}; its own flags are {string.Join(", ", kindFlags[k].Select(f => f.Name))} (and --seconds, --fps, --size, --seed).");
            var mode = ProgressBar.ParseMode(parse.GetValue(progress));
            var options = new SynthOptions
            {
                TrainCount = parse.GetValue(train),
                ValCount = parse.GetValue(val),
                Seconds = parse.GetValue(seconds),
                Fps = parse.GetValue(fps),
                Size = parse.GetValue(size),
                Seed = parse.GetValue(seed),
                Gravity = parse.GetValue(gravity),
                Groups = parse.GetValue(groups),
                Occluders = parse.GetValue(occluders),
            };
            if (k != "voe" && (options.TrainCount < 0 || options.ValCount < 0 || options.TrainCount + options.ValCount == 0))
                throw new UsageException("--train and --val must be ≥ 0 and not both 0.");
            // Checked here in full, before --overwrite removes the earlier set: a set that then fails to render is lost.
            if (options.Seconds <= 0 || options.Fps <= 0 || options.Size < 16 || options.Size % 2 != 0)
                throw new UsageException("--seconds and --fps must be > 0 and --size even and at least 16 (H.264 in yuv420p needs even sides).");
            if (options.FrameCount < (k == "bouncing" ? 1 : 2))
                throw new UsageException($"--seconds {options.Seconds} at --fps {options.Fps} gives {options.FrameCount} frames; give at least {(k == "bouncing" ? 1 : 2)}.");
            if (k == "voe" && options.Groups < 1)
                throw new UsageException("--groups must be at least 1.");
            var outDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            SynthOutput.Prepare(outDir, k, parse.GetValue(overwrite));
            int videos = k == "voe" ? SynthPhysicsSet.VoeVideoCount(options) : options.TrainCount + options.ValCount;
            using var bar = ProgressBar.Start(mode, "synth", videos, "videos");
            int written = 0;
            options = options with { VideoWritten = () => bar.Report(Interlocked.Increment(ref written)) };
            if (k == "voe")
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var pairs = SynthPhysicsSet.GenerateVoe(outDir, options, token);
                bar.Dispose(); // the bar finishes its line before the summary
                Console.WriteLine($"Wrote {options.Groups} groups ({videos} clips) in {clock.Elapsed.TotalSeconds:F1} s; pairs: {pairs}");
                return Task.FromResult(0);
            }
            var result = k switch
            {
                "physics" => SynthPhysicsSet.GeneratePhysics(outDir, options, token),
                "rooms" => RoomsSet.Generate(outDir, options, token),
                _ => SynthBouncing.Generate(outDir, options, token),
            };
            bar.Dispose();
            Console.WriteLine($"Wrote {result.TrainCount} training and {result.ValCount} validation videos to {result.OutDir} in {result.Elapsed.TotalSeconds:F1} s; manifest: {result.ManifestPath}");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
