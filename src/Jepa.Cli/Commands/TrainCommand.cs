using System.CommandLine;
using Jepa.Config;
using Jepa.Training;
using Serilog;

namespace Jepa.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Experiment YAML (a diff of the defaults); without it, the built-in quickstart, or when resuming the run's own config." };
        var set = new Option<string[]>("--set") { Description = "Override a key: --set train.steps=100 (repeatable); when resuming, it changes that key of the run's config.", Arity = ArgumentArity.ZeroOrMore };
        var runDir = new Option<string?>("--run-dir") { Description = "Run directory (default runs/<name>)." };
        var device = new Option<string?>("--device") { Description = "cpu | cuda | cuda:N | auto (same as --set train.device=…)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in the run directory." };
        var resume = new Option<string?>("--resume") { Description = "auto: continue the run in the run directory from its newest whole checkpoint, with its own config (or start it when there is none); or a .ckpt file." };

        var progressOption = ProgressBar.Option();

        var command = new Command("train", "Train a hierarchical JEPA.") { config, set, runDir, device, overwrite, resume, progressOption };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var mode = ProgressBar.ParseMode(parse.GetValue(progressOption));
            var sets = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(device) is { } d) sets.Add("train.device=" + d);
            string? configPath = parse.GetValue(config);
            string? resumeArg = parse.GetValue(resume);
            string? runDirArg = parse.GetValue(runDir);
            if (resumeArg is not null && parse.GetValue(overwrite))
                throw new UsageException("--resume and --overwrite contradict each other; pass one of them.");

            JepaConfig cfg;
            string? from = null;
            string dir;
            FileStream runLock;
            if (resumeArg is null)
            {
                cfg = ConfigLoader.Load(configPath, sets);
                Devices.Resolve(cfg.Train.Device); // a device that is not here fails before anything is written
                dir = RunDirectory.Resolve(runDirArg, cfg.Name);
                runLock = RunDirectory.Lock(dir);
                RunDirectory.Prepare(dir, parse.GetValue(overwrite));
            }
            else if (resumeArg == "auto")
            {
                dir = RunDirectory.Resolve(runDirArg, ConfigLoader.Parse(configPath, sets).Config.Name);
                runLock = RunDirectory.Lock(dir);
                using var probe = Logging.Create(parse.GetValue(CliOptions.Verbose));
                // No whole checkpoint (a job killed before its first one, say): nothing can be lost by
                // starting again, and a requeued SLURM job must not fail for it.
                from = CheckpointFiles.NewestValid(dir, probe);
                cfg = RunConfig(configPath, sets, from, dir);
            }
            else
            {
                from = Path.GetFullPath(resumeArg);
                if (!Checkpoint.IsValid(from, out var problem)) throw new UsageException(problem);
                cfg = RunConfig(configPath, sets, from, runDir: null);
                dir = RunDirectory.Resolve(runDirArg ?? RunOf(from), cfg.Name);
                runLock = RunDirectory.Lock(dir);
            }
            // Relative data paths from the command line start here; the run records them absolute, so
            // resuming or evaluating from another directory reads the same videos.
            cfg = ConfigPaths.Absolute(cfg, Environment.CurrentDirectory);
            // In a SLURM job, "all cores" (threads or workers 0) means the cores the job was given: with
            // task/none nothing pins the process, and the node's other cores belong to other jobs.
            var slurm = SlurmEnvironment.Current();
            if (slurm?.CpusPerTask is { } cpus)
            {
                // What auto decode threads count when data.workers is set by hand (TrainingData.Cores).
                if (Environment.GetEnvironmentVariable(Jepa.Data.TrainingData.CoresVariable) is null)
                    Environment.SetEnvironmentVariable(Jepa.Data.TrainingData.CoresVariable, cpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (cfg.Train.Threads == 0) cfg = cfg with { Train = cfg.Train with { Threads = cpus } };
                // A worker per core given: the span decoders' auto threads (cores ÷ workers) would count the
                // node's cores, so they get the one each that the job's share leaves them.
                if (cfg.Data.Workers == 0) cfg = cfg with { Data = cfg.Data with { Workers = cpus, DecodeThreads = cfg.Data.DecodeThreads == 0 ? 1 : cfg.Data.DecodeThreads } };
            }

            using var held = runLock;
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose), Path.Combine(dir, "train.log"));
            if (slurm is not null) log.Information("SLURM {Job}", slurm.ToString());
            if (resumeArg == "auto" && from is null) log.Warning("No whole checkpoint in {RunDir}: starting at step 0", dir);
            TrainResult result;
            // Steps on one redrawn line of a terminal (from the step resumed at, which the rate leaves out).
            ProgressBar? bar = null;
            void Progress(long step) => (bar ??= ProgressBar.Start(mode, "train", cfg.Train.Steps, "steps", step, plainLines: false)).Report(step);
            try
            {
                result = await Trainer.RunAsync(cfg, dir, from, log, token, Progress);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Batch users read train.log, not the terminal: the reason the run ended goes there too.
                log.Fatal("The run stopped: {Reason}", e.Message);
                throw;
            }
            finally
            {
                bar?.Dispose();
            }
            if (result.Interrupted) return 130;
            if (result.AlreadyComplete)
                log.Information("The run is already complete: step {Step} of train.steps {Steps}; nothing to do. To train further: {Command}",
                    result.Steps, cfg.Train.Steps, ResumeCommand.For(dir, $"--set train.steps={Math.Max(result.Steps, cfg.Train.Steps) * 2}"));
            else
                log.Information("Done: {Steps} steps ({Skipped} skipped as non-finite), final loss {Loss:F4}; checkpoint {Checkpoint}",
                    result.Steps, result.SkippedSteps, result.LastLoss, result.LatestCheckpoint);
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The config a resumed run trains with: --config when given; else the run's own, from its checkpoint
    /// or, when it has none yet, its config.yaml; else the defaults. --set changes keys of that config.
    /// </summary>
    private static JepaConfig RunConfig(string? configPath, IReadOnlyList<string> sets, string? checkpoint, string? runDir)
    {
        if (configPath is not null) return ConfigLoader.Load(configPath, sets);
        if (checkpoint is not null)
            return ConfigLoader.LoadText(ConfigLoader.ToYaml(Checkpoint.ReadHeader(checkpoint).Config), $"the config of {checkpoint}", sets);
        var saved = runDir is null ? null : Path.Combine(runDir, "config.yaml");
        return ConfigLoader.Load(saved is not null && File.Exists(saved) ? saved : null, sets);
    }

    /// <summary>runs/x/checkpoints/step-1.ckpt → runs/x; a checkpoint elsewhere → its folder.</summary>
    internal static string RunOf(string checkpoint)
    {
        var dir = Path.GetDirectoryName(checkpoint)!;
        return Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir)! : dir;
    }
}
