using System.CommandLine;
using System.Globalization;
using Jepa.Config;
using Jepa.Sweeps;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa sweep</c>: a grid of configs trained on this machine or as a SLURM array job; <c>jepa sweep status</c>; <c>jepa sweep task</c>.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Base experiment YAML (default: the built-in quickstart)." };
        var set = new Option<string[]>("--set") { Description = "Override a key in every run: --set train.steps=100 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var grid = new Option<string[]>("--grid") { Description = "A key and its values, one run each: --grid train.lr=0.001,0.002 (repeatable; runs are every combination).", Arity = ArgumentArity.ZeroOrMore };
        var seeds = new Option<string?>("--seeds") { Description = "Seeds, comma-separated: every grid point runs once per seed." };
        var output = new Option<string>("--out") { Description = "Sweep folder: sweep.json, sweep.csv, runs/NAME/, results.csv. Again with the same flags: continue the sweep.", Required = true };
        var on = new Option<string>("--on") { Description = "local: on this machine; slurm: submit an sbatch array job, one task per run.", DefaultValueFactory = _ => "local" };
        var parallel = new Option<int?>("--parallel") { Description = "Runs at once: local, N child trainers, the cores split between them (default 1); slurm, the array's limit (%N)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the runs (with --on slurm, the sbatch script); write and train nothing." };
        var noEval = new Option<bool>("--no-eval") { Description = "Train only; skip jepa eval --task predict after each run." };
        var partition = new Option<string?>("--partition") { Description = "slurm: partition (default: sbatch's, or SBATCH_PARTITION)." };
        var account = new Option<string?>("--account") { Description = "slurm: account (default: sbatch's, or SBATCH_ACCOUNT)." };
        var time = new Option<string?>("--time") { Description = "slurm: time limit per task, e.g. 4:00:00; at the limit the run checkpoints and requeues itself." };
        var gpus = new Option<int>("--gpus") { Description = "slurm: GPUs per run (--gres=gpu:N; 0 for CPU-only runs).", DefaultValueFactory = _ => 1 };
        var cpus = new Option<int?>("--cpus") { Description = "slurm: cores per run (--cpus-per-task); jepa train uses them for torch threads and decode workers." };
        var signalBefore = new Option<int>("--signal-before") { Description = "slurm: seconds before the time limit at which jepa gets SIGTERM (--signal=B:TERM@N).", DefaultValueFactory = _ => 120 };
        var sbatchArg = new Option<string[]>("--sbatch-arg") { Description = "slurm: another #SBATCH line, e.g. --sbatch-arg=--mem=32G (repeatable).", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("sweep", "Train a grid of configs (x seeds) as named runs in one folder, on this machine or as a SLURM array; rerun to continue.")
        {
            config, set, grid, seeds, output, on, parallel, dryRun, noEval, partition, account, time, gpus, cpus, signalBefore, sbatchArg,
            Status(), TaskCommand(),
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var where = parse.GetValue(on)!;
            if (where is not ("local" or "slurm")) throw new UsageException($"--on '{where}' is not a place jepa can run a sweep; give local or slurm.");
            var slurm = where == "slurm"
                ? new SlurmOptions(parse.GetValue(partition), parse.GetValue(account), parse.GetValue(time), parse.GetValue(gpus), parse.GetValue(cpus),
                    parse.GetValue(parallel), parse.GetValue(signalBefore), parse.GetValue(sbatchArg) ?? [], !parse.GetValue(noEval))
                : null;
            slurm?.Validate();
            if (slurm is null)
            {
                foreach (var o in new Option[] { partition, account, time, gpus, cpus, signalBefore, sbatchArg })
                    if (parse.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} is for --on slurm; this sweep runs on this machine.");
            }
            int local = parse.GetValue(parallel) ?? 1;
            if (local < 1) throw new UsageException($"--parallel {local} is below 1; give the number of runs at once.");

            var spec = SweepSpec.Create(parse.GetValue(config), parse.GetValue(set) ?? [], parse.GetValue(grid) ?? [], Seeds(parse.GetValue(seeds)));
            var dir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var plan = SweepPlan.Expand(dir, spec);
            if (slurm is not null && plan.Dir.Any(c => char.IsWhiteSpace(c) || c is '%' or '\'' or '"'))
                throw new UsageException($"--out '{plan.Dir}' holds a space, quote or '%', which #SBATCH lines cannot carry; give a plainer folder.");
            if (parse.GetValue(dryRun))
            {
                if (slurm is not null)
                {
                    Console.Write(SlurmScript.Build(plan, [.. Enumerable.Range(0, plan.Runs.Count)], slurm, JepaCommand()));
                    Console.Error.WriteLine($"{plan.Runs.Count} runs; nothing written or submitted (dry run).");
                    return 0;
                }
                foreach (var run in plan.Runs)
                    Console.WriteLine($"{run.Name}  {string.Join(' ', run.Sets.Select(s => "--set " + s))}  →  {run.Dir}");
                Console.WriteLine($"{plan.Runs.Count} runs; nothing written (dry run).");
                return 0;
            }
            if (SweepSpec.Load(plan.Dir) is { } existing && existing.Difference(spec) is { } difference)
                throw new UsageException($"'{plan.Dir}' holds another sweep: {difference}; pass the same flags to continue it, or another --out.");
            using var sweepLock = Lock(plan.Dir);
            plan.Write(Environment.CurrentDirectory);
            if (slurm is not null) return Submit(plan, slurm);

            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var runner = new SweepRunner(plan, SelfProcess.StartInfo, !parse.GetValue(noEval), log)
            {
                Parallel = local,
                // Cores split between the runs in flight (torch threads and decode workers of each).
                ThreadsPerRun = local > 1 ? Math.Max(1, Environment.ProcessorCount / local) : null,
                Gpus = local > 1 ? Gpus() : [],
                Output = Console.WriteLine,
            };
            var code = await runner.RunAsync(token);
            var results = SweepResults.Read(plan);
            Console.Write(results.ToTable());
            var csv = results.WriteResults();
            if (code == 130) Console.Error.WriteLine("interrupted; the same jepa sweep command continues the sweep.");
            else Console.WriteLine($"Results: {csv}");
            return code;
        }, ct));
        return command;
    }

    /// <summary>
    /// Writes DIR/sweep.sbatch for the runs that are not finished and submits it with sbatch; refused while
    /// an array job this sweep submitted earlier is still queued or running (two tasks would share a run).
    /// </summary>
    private static int Submit(SweepPlan plan, SlurmOptions slurm)
    {
        var slurmDir = Path.Combine(plan.Dir, SlurmScript.OutputFolder);
        Directory.CreateDirectory(slurmDir);
        var jobsFile = Path.Combine(slurmDir, Slurm.JobsFile);
        var earlier = File.Exists(jobsFile) ? File.ReadAllLines(jobsFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToList() : [];
        var queued = earlier.Count == 0 ? [] : Slurm.Queued();
        var still = earlier.Where(queued.Contains).ToList();
        if (still.Count > 0)
            throw new UsageException($"array job {string.Join(", ", still)} of this sweep is still queued or running (squeue -j {string.Join(',', still)}); " +
                                     "wait for it, or scancel it, before submitting the sweep again.");

        var indices = Enumerable.Range(0, plan.Runs.Count).Where(i => !SweepRunner.Finished(plan.Runs[i], slurm.Evaluate)).ToList();
        if (indices.Count == 0)
        {
            var results = SweepResults.Read(plan);
            Console.Write(results.ToTable());
            Console.WriteLine($"Every run is done; nothing submitted. Results: {results.WriteResults()}");
            return 0;
        }
        var script = Path.Combine(plan.Dir, SlurmScript.FileName);
        File.WriteAllText(script, SlurmScript.Build(plan, indices, slurm, JepaCommand()));
        var id = Slurm.Submit(script);
        File.AppendAllText(jobsFile, id + "\n");
        Console.WriteLine($"Submitted array job {id}: {indices.Count} of {plan.Runs.Count} runs (tasks {SlurmScript.ArraySpec(indices)}; the index is the run's row in sweep.csv).");
        Console.WriteLine($"Output: {Path.Combine(slurmDir, id + "_<task>.out")}; progress: jepa sweep status {plan.Dir}");
        return 0;
    }

    /// <summary>
    /// The GPUs runs in flight are spread over, by the ids CUDA_VISIBLE_DEVICES gives them: the ones it already
    /// names (a sweep started inside a job that was given some GPUs), else 0..count-1; none on a CPU build.
    /// </summary>
    private static List<string> Gpus()
    {
        var count = Jepa.Training.Devices.CudaCount();
        if (count == 0) return [];
        var visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        var named = string.IsNullOrWhiteSpace(visible) ? [] : visible.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        return named.Count >= count ? named.Take(count).ToList() : [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>How the batch script starts this same jepa (the apphost, or dotnet and jepa.dll).</summary>
    private static List<string> JepaCommand()
    {
        var start = SelfProcess.StartInfo([]);
        return [start.FileName, .. start.ArgumentList];
    }

    /// <summary><c>jepa sweep task DIR</c>: what one SLURM array task runs.</summary>
    private static Command TaskCommand()
    {
        var dir = new Argument<string>("DIR") { Description = "The sweep folder." };
        var index = new Option<int?>("--index") { Description = "The run's row in sweep.csv, 0-based (default: SLURM_ARRAY_TASK_ID)." };
        var noEval = new Option<bool>("--no-eval") { Description = "Train only." };
        var command = new Command("task", "Train one run of a sweep with --resume auto, then evaluate it (what each SLURM array task runs); " +
                                          "stopped by SIGTERM while the job is still running (its time limit), it checkpoints and requeues the job.")
        {
            dir, index, noEval,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var path = parse.GetValue(dir)!;
            if (!Directory.Exists(path)) throw new UsageException($"sweep folder '{path}' does not exist.");
            var plan = SweepPlan.Load(path);
            var env = SlurmEnvironment.Current();
            var i = parse.GetValue(index) ?? env?.ArrayTaskId
                ?? throw new UsageException("jepa sweep task needs --index N, or SLURM_ARRAY_TASK_ID from a SLURM array job.");
            if (i < 0 || i >= plan.Runs.Count)
                throw new UsageException($"run index {i} is outside this sweep's {plan.Runs.Count} runs (0 to {plan.Runs.Count - 1}, the rows of sweep.csv).");
            var run = plan.Runs[i];

            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            if (env is not null) log.Information("SLURM {Job}: run {Index}, {Name}", env.ToString(), i, run.Name);
            var outcome = await new SweepRunner(plan, SelfProcess.StartInfo, !parse.GetValue(noEval), log).RunOneAsync(run, token);
            switch (outcome)
            {
                case RunOutcome.Done:
                    log.Information("Run {Name} is done", run.Name);
                    return 0;
                case RunOutcome.Interrupted:
                    if (env is not null) Slurm.RequeueIfRunning(env.ControlId, log);
                    return 130;
                default:
                    return 1;
            }
        }, ct));
        return command;
    }

    private static Command Status()
    {
        var dir = new Argument<string>("DIR") { Description = "The sweep folder (--out of jepa sweep)." };
        var json = new Option<bool>("--json") { Description = "Print {\"runs\":[{\"name\",\"state\",\"step\",\"steps\",\"run_dir\",…}]} instead of a table." };
        var command = new Command("status", "Every run of a sweep (pending, running, done, failed; step, last loss, eval figures); writes DIR/results.csv and DIR/results.md.") { dir, json };
        command.SetAction((parse, ct) => CliOptions.Run(parse, token =>
        {
            var path = parse.GetValue(dir)!;
            if (!Directory.Exists(path)) throw new UsageException($"sweep folder '{path}' does not exist.");
            var results = SweepResults.Read(SweepPlan.Load(path));
            results.WriteResults();
            Console.Write(parse.GetValue(json) ? results.ToJson() + "\n" : results.ToTable());
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static List<int> Seeds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var seeds = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                throw new UsageException($"--seeds '{text}' must be whole numbers separated by commas, such as --seeds 0,1,2.");
            seeds.Add(seed);
        }
        return seeds;
    }

    /// <summary>sweep.lock keeps a second jepa sweep out of a sweep folder in use (freed by the kernel on any exit).</summary>
    private static FileStream Lock(string dir)
    {
        Directory.CreateDirectory(dir);
        try
        {
            return new FileStream(Path.Combine(dir, "sweep.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new UsageException($"sweep folder '{dir}' is in use by another jepa sweep; wait for it to end, or check on it with jepa sweep status.");
        }
    }
}
