using System.CommandLine;
using Jepa.Config;
using Jepa.Video;

namespace Jepa.Cli.Commands;

internal static class SynthCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "What to generate: bouncing (labelled speeds), physics (plausible clips of a world with gravity, a floor and a wall) or voe (groups of one plausible and six impossible continuations, with pairs.csv).", DefaultValueFactory = _ => "bouncing" };
        var output = new Option<string>("--out") { Description = "Output folder (train/, val/, manifest.csv).", Required = true };
        var train = new Option<int>("--train") { Description = "Training videos.", DefaultValueFactory = _ => new SynthOptions().TrainCount };
        var val = new Option<int>("--val") { Description = "Validation videos.", DefaultValueFactory = _ => new SynthOptions().ValCount };
        var seconds = new Option<double>("--seconds") { Description = "Length of each video.", DefaultValueFactory = _ => new SynthOptions().Seconds };
        var fps = new Option<double>("--fps") { Description = "Frame rate of the videos.", DefaultValueFactory = _ => new SynthOptions().Fps };
        var size = new Option<int>("--size") { Description = "Side of the square videos in pixels.", DefaultValueFactory = _ => new SynthOptions().Size };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same videos.", DefaultValueFactory = _ => 0 };
        var gravity = new Option<bool>("--gravity") { Description = "Objects fall and bounce off the floor." };
        var groups = new Option<int>("--groups") { Description = "voe only: groups of clips sharing a start.", DefaultValueFactory = _ => new SynthOptions().Groups };

        var command = new Command("synth", "Generate labelled synthetic videos (bouncing objects over a textured background) with a manifest.")
        {
            kind, output, train, val, seconds, fps, size, seed, gravity, groups,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, token =>
        {
            string k = parse.GetValue(kind)!;
            if (k is not ("bouncing" or "physics" or "voe"))
                throw new UsageException($"--kind '{k}' is not known; the kinds are: bouncing, physics, voe.");
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
            };
            if (options.TrainCount < 0 || options.ValCount < 0 || options.TrainCount + options.ValCount == 0)
                throw new UsageException("--train and --val must be ≥ 0 and not both 0.");
            if (options.Seconds <= 0 || options.Fps <= 0 || options.Size < 16)
                throw new UsageException("--seconds and --fps must be > 0 and --size at least 16.");
            if (k == "voe")
            {
                if (options.Groups < 1)
                    throw new UsageException("--groups must be at least 1.");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var pairs = SynthPhysicsSet.GenerateVoe(parse.GetValue(output)!, options, token);
                Console.WriteLine($"Wrote {options.Groups} groups of {1 + SynthPhysicsSet.Violations.Count} clips in {clock.Elapsed.TotalSeconds:F1} s; pairs: {pairs}");
                return Task.FromResult(0);
            }
            var result = k == "physics"
                ? SynthPhysicsSet.GeneratePhysics(parse.GetValue(output)!, options, token)
                : SynthBouncing.Generate(parse.GetValue(output)!, options, token);
            Console.WriteLine($"Wrote {result.TrainCount} training and {result.ValCount} validation videos to {result.OutDir} in {result.Elapsed.TotalSeconds:F1} s; manifest: {result.ManifestPath}");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
