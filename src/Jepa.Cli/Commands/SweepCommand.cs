using System.CommandLine;
using System.Globalization;
using Jepa.Config;
using Jepa.Sweeps;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa sweep</c>: a grid of configs trained one after another on this machine; <c>jepa sweep status</c>.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Base experiment YAML (default: the built-in quickstart)." };
        var set = new Option<string[]>("--set") { Description = "Override a key in every run: --set train.steps=100 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var grid = new Option<string[]>("--grid") { Description = "A key and its values, one run each: --grid train.lr=0.001,0.002 (repeatable; runs are every combination).", Arity = ArgumentArity.ZeroOrMore };
        var seeds = new Option<string?>("--seeds") { Description = "Seeds, comma-separated: every grid point runs once per seed." };
        var output = new Option<string>("--out") { Description = "Sweep folder: sweep.json, sweep.csv, runs/NAME/, results.csv. Again with the same flags: continue the sweep.", Required = true };
        var on = new Option<string>("--on") { Description = "local (this machine, one run after another); slurm is not built yet.", DefaultValueFactory = _ => "local" };
        var parallel = new Option<int>("--parallel") { Description = "Runs at a time (only 1 is built yet).", DefaultValueFactory = _ => 1 };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the runs and their --set values; write and train nothing." };
        var noEval = new Option<bool>("--no-eval") { Description = "Train only; skip jepa eval --task predict after each run." };

        var command = new Command("sweep", "Train a grid of configs (x seeds) as named runs in one folder, one after another; rerun to continue.")
        {
            config, set, grid, seeds, output, on, parallel, dryRun, noEval, Status(),
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var where = parse.GetValue(on)!;
            if (where == "slurm") throw new UsageException("--on slurm is not built yet; run the sweep on this machine with --on local.");
            if (where != "local") throw new UsageException($"--on '{where}' is not a place jepa can run a sweep; give local (slurm is not built yet).");
            if (parse.GetValue(parallel) != 1) throw new UsageException("--parallel other than 1 is not built yet; runs go one after another.");

            var spec = SweepSpec.Create(parse.GetValue(config), parse.GetValue(set) ?? [], parse.GetValue(grid) ?? [], Seeds(parse.GetValue(seeds)));
            var dir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var plan = SweepPlan.Expand(dir, spec);
            if (parse.GetValue(dryRun))
            {
                foreach (var run in plan.Runs)
                    Console.WriteLine($"{run.Name}  {string.Join(' ', run.Sets.Select(s => "--set " + s))}  →  {run.Dir}");
                Console.WriteLine($"{plan.Runs.Count} runs; nothing written (dry run).");
                return 0;
            }
            if (SweepSpec.Load(plan.Dir) is { } existing && existing.Difference(spec) is { } difference)
                throw new UsageException($"'{plan.Dir}' holds another sweep: {difference}; pass the same flags to continue it, or another --out.");
            using var sweepLock = Lock(plan.Dir);
            plan.Write(Environment.CurrentDirectory);

            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var code = await new SweepRunner(plan, SelfProcess.StartInfo, !parse.GetValue(noEval), log).RunAsync(token);
            var results = SweepResults.Read(plan);
            Console.Write(results.ToTable());
            var csv = results.WriteResults();
            if (code == 130) Console.Error.WriteLine("interrupted; the same jepa sweep command continues the sweep.");
            else Console.WriteLine($"Results: {csv}");
            return code;
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
