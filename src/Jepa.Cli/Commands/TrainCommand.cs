using System.CommandLine;
using Jepa.Config;
using Jepa.Training;

namespace Jepa.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Experiment YAML (a diff of the defaults); without it, the built-in quickstart (or, when resuming, the checkpoint's config)." };
        var set = new Option<string[]>("--set") { Description = "Override a key: --set train.steps=100 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var runDir = new Option<string?>("--run-dir") { Description = "Run directory (default runs/<name>)." };
        var device = new Option<string?>("--device") { Description = "cpu | cuda | cuda:N | auto (same as --set train.device=…)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in the run directory." };
        var resume = new Option<string?>("--resume") { Description = "auto: continue from the newest whole checkpoint in the run directory (or start when there is none); or a .ckpt file." };

        var command = new Command("train", "Train a hierarchical JEPA.") { config, set, runDir, device, overwrite, resume };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var sets = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(device) is { } d) sets.Add("train.device=" + d);
            string? configPath = parse.GetValue(config);
            string? resumeArg = parse.GetValue(resume);
            if (resumeArg is not null && parse.GetValue(overwrite))
                throw new UsageException("--resume and --overwrite contradict each other; pass one of them.");

            var cfg = ConfigLoader.Load(configPath, sets);
            string? from = null;
            string dir;
            FileStream runLock;
            if (resumeArg is null)
            {
                runLock = RunDirectory.Lock(RunDirectory.Resolve(parse.GetValue(runDir), cfg));
                dir = RunDirectory.Prepare(parse.GetValue(runDir), cfg, parse.GetValue(overwrite));
            }
            else if (resumeArg == "auto")
            {
                dir = RunDirectory.Resolve(parse.GetValue(runDir), cfg);
                runLock = RunDirectory.Lock(dir);
                using var probe = Logging.Create(parse.GetValue(CliOptions.Verbose));
                // No whole checkpoint (a job killed before its first one, say): nothing can be lost by
                // starting again, and a requeued SLURM job must not fail for it.
                from = CheckpointFiles.NewestValid(dir, probe);
            }
            else
            {
                from = Path.GetFullPath(resumeArg);
                if (!Checkpoint.IsValid(from, out var problem)) throw new UsageException(problem);
                // Without a config of its own, a resumed run continues with the config it was trained with.
                if (configPath is null) cfg = ConfigLoader.LoadText(ConfigLoader.ToYaml(Checkpoint.ReadHeader(from).Config), from, sets);
                dir = RunDirectory.Resolve(parse.GetValue(runDir) ?? RunOf(from), cfg);
                runLock = RunDirectory.Lock(dir);
            }
            using var held = runLock;
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose), Path.Combine(dir, "train.log"));
            if (resumeArg == "auto" && from is null) log.Warning("No whole checkpoint in {RunDir}: starting at step 0", dir);
            var result = await Trainer.RunAsync(cfg, dir, from, log, token);
            if (result.Interrupted) return 130;
            log.Information("Done: {Steps} steps ({Skipped} skipped as non-finite), final loss {Loss:F4}; checkpoint {Checkpoint}",
                result.Steps, result.SkippedSteps, result.LastLoss, result.LatestCheckpoint);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>runs/x/checkpoints/step-1.ckpt → runs/x; a checkpoint elsewhere → its folder.</summary>
    internal static string RunOf(string checkpoint)
    {
        var dir = Path.GetDirectoryName(checkpoint)!;
        return Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir)! : dir;
    }
}
