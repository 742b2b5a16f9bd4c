using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Jepa.Config;
using Serilog;

namespace Jepa.Sweeps;

/// <summary>What became of one run when the sweep tried it.</summary>
public enum RunOutcome
{
    /// <summary>Trained to its last step (and evaluated, when asked).</summary>
    Done,
    /// <summary>Failed, or in use by another process: left as it was (sweep-failed.txt says why when it failed).</summary>
    NotDone,
    /// <summary>Stopped by Ctrl+C or SIGTERM after its latest.ckpt was written.</summary>
    Interrupted,
}

/// <summary>
/// Runs a sweep's runs, each as a child <c>jepa train --resume auto</c> process (then <c>jepa eval --task
/// predict</c>): every run has its own run.lock, checkpoints and logs, so a sweep killed at any moment leaves
/// each run resumable, and running it again skips the finished runs and continues the interrupted ones.
/// On this machine one after another, or <see cref="Parallel"/> at a time; on SLURM one per array task
/// (<see cref="RunOneAsync"/>).
/// </summary>
public sealed partial class SweepRunner(SweepPlan plan, Func<IReadOnlyList<string>, ProcessStartInfo> jepa, bool evaluate, ILogger log)
{
    /// <summary>Runs trained at once on this machine.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>
    /// Torch threads and decode workers each run gets when its config leaves them at 0 (all cores): with
    /// several runs at once, all cores each would oversubscribe the machine (two OpenMP trainers on two
    /// cores crawl). Null: the run's config decides.
    /// </summary>
    public int? ThreadsPerRun { get; init; }

    /// <summary>
    /// GPUs (CUDA ids as CUDA_VISIBLE_DEVICES names them) the runs in flight are spread over: each child sees
    /// one of them alone, as its cuda:0, the way SLURM hands a task its GPU. Empty: the children see what we see.
    /// </summary>
    public IReadOnlyList<string> Gpus { get; init; } = [];

    /// <summary>Where a child's output goes, line by line, when several run at once (one alone writes straight to ours).</summary>
    public Action<string>? Output { get; init; }

    /// <summary>0 when every run is done; 1 when one failed or was in use elsewhere; 130 when interrupted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var outcomes = new RunOutcome[plan.Runs.Count];
        if (Parallel <= 1)
        {
            for (int i = 0; i < plan.Runs.Count; i++)
            {
                if (ct.IsCancellationRequested) return 130;
                outcomes[i] = await RunOneAsync(plan.Runs[i], ct);
                if (outcomes[i] == RunOutcome.Interrupted) return 130;
            }
        }
        else
        {
            // Runs start in sweep.csv order as slots free up; an interrupted sweep starts no new run. A slot
            // keeps its GPU, so two runs in flight never share one while there are as many GPUs as slots.
            var slots = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, Parallel));
            var options = new ParallelOptions { MaxDegreeOfParallelism = Parallel };
            await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, plan.Runs.Count), options, async (i, _) =>
            {
                if (ct.IsCancellationRequested)
                {
                    outcomes[i] = RunOutcome.Interrupted;
                    return;
                }
                slots.TryDequeue(out var slot);
                try
                {
                    outcomes[i] = await RunOneAsync(plan.Runs[i], ct, Gpus.Count > 0 ? Gpus[slot % Gpus.Count] : null);
                }
                finally
                {
                    slots.Enqueue(slot);
                }
            });
            if (ct.IsCancellationRequested || outcomes.Contains(RunOutcome.Interrupted)) return 130;
        }
        var notDone = plan.Runs.Where((_, i) => outcomes[i] != RunOutcome.Done).Select(r => r.Name).ToList();
        if (notDone.Count == 0) return 0;
        log.Error("{Count} of {Total} runs are not done: {Names}", notDone.Count, plan.Runs.Count, string.Join(", ", notDone));
        return 1;
    }

    /// <summary>Trains one run with --resume auto (skipped when complete), then evaluates it unless it already is.</summary>
    public async Task<RunOutcome> RunOneAsync(SweepRun run, CancellationToken ct, string? gpu = null)
    {
        if (SweepRunStatus.IsLocked(run.Dir))
        {
            log.Warning("Run {Name} is in use by another process; left to it", run.Name);
            return RunOutcome.NotDone;
        }
        var failed = Path.Combine(run.Dir, SweepRunStatus.FailedFile);
        if (File.Exists(failed)) File.Delete(failed); // tried again: its state is what this attempt gives

        var config = ConfigLoader.Load(run.ConfigPath, []);
        var steps = config.Train.Steps;
        if (SweepRunStatus.IsComplete(run.Dir, steps))
            log.Information("Run {Name}: done ({Steps} steps); skipped", run.Name, steps);
        else
        {
            log.Information("Run {Name}: training ({Dir})", run.Name, run.Dir);
            var code = await RunChildAsync(run, gpu, ["train", "--config", run.ConfigPath, "--run-dir", run.Dir, "--resume", "auto", .. ThreadSets(config)], ct);
            if (code == 130 || ct.IsCancellationRequested) return RunOutcome.Interrupted;
            if (code != 0)
            {
                Fail(run, $"jepa train exited {code}; see {Path.Combine(run.Dir, "train.log")}");
                return RunOutcome.NotDone;
            }
        }

        if (!evaluate || Evaluated(run, steps)) return RunOutcome.Done;
        var val = config.Data.Val;
        if (!File.Exists(val) && !Directory.Exists(val) && !val.Contains('*'))
        {
            log.Warning("Run {Name}: data.val {Val} does not exist; not evaluated", run.Name, val);
            return RunOutcome.Done;
        }
        log.Information("Run {Name}: evaluating (predict)", run.Name);
        var evalCode = await RunChildAsync(run, gpu, ["eval", "--checkpoint", Path.Combine(run.Dir, "checkpoints", "latest.ckpt"), "--task", "predict"], ct);
        if (evalCode == 130 || ct.IsCancellationRequested) return RunOutcome.Interrupted;
        if (evalCode != 0)
        {
            Fail(run, $"jepa eval --task predict exited {evalCode}");
            return RunOutcome.NotDone;
        }
        return RunOutcome.Done;
    }

    /// <summary>True when the run is trained to its last step and, when <paramref name="evaluate"/>, evaluated there.</summary>
    public static bool Finished(SweepRun run, bool evaluate)
    {
        var steps = ConfigLoader.Load(run.ConfigPath, []).Train.Steps;
        return SweepRunStatus.IsComplete(run.Dir, steps) && (!evaluate || Evaluated(run, steps));
    }

    private IEnumerable<string> ThreadSets(JepaConfig config)
    {
        if (ThreadsPerRun is not { } k) yield break;
        var text = k.ToString(CultureInfo.InvariantCulture);
        if (config.Train.Threads == 0) { yield return "--set"; yield return "train.threads=" + text; }
        if (config.Data.Workers == 0) { yield return "--set"; yield return "data.workers=" + text; }
        // One decode worker per core of the run's share: a span decoder's auto threads (cores ÷ workers)
        // would count the whole machine's cores.
        if (config.Data.Workers == 0 && config.Data.DecodeThreads == 0) { yield return "--set"; yield return "data.decode_threads=1"; }
    }

    /// <summary>True when eval/report.json already holds the predict figures of the run's last step.</summary>
    private static bool Evaluated(SweepRun run, long steps)
    {
        var figures = SweepRunStatus.Read(run).Figures;
        return figures.Any(f => f.Key == "eval_step" && (long)f.Value == steps) && figures.Any(f => f.Key.EndsWith("_ratio", StringComparison.Ordinal));
    }

    private void Fail(SweepRun run, string reason)
    {
        log.Error("Run {Name} failed: {Reason}", run.Name, reason);
        File.WriteAllText(Path.Combine(run.Dir, SweepRunStatus.FailedFile), reason + "\n");
    }

    /// <summary>
    /// Runs jepa with <paramref name="args"/>, its output going straight to ours (prefixed with the run's
    /// name when several run at once). On cancellation (Ctrl+C or SIGTERM to the sweep) the child is sent
    /// SIGTERM, so it finishes its step, writes latest.ckpt and exits 130. Ctrl+C at a terminal reaches the
    /// child by itself (same process group; on Windows the same console); the SIGTERM follows a second later
    /// so it never arrives first and reads as a second Ctrl+C, which would stop the child without a checkpoint.
    /// </summary>
    private async Task<int> RunChildAsync(SweepRun run, string? gpu, IReadOnlyList<string> args, CancellationToken ct)
    {
        var start = jepa(args);
        if (gpu is not null) start.Environment["CUDA_VISIBLE_DEVICES"] = gpu;
        // The run's share of the cores, for what it leaves on auto (decode threads with data.workers set by hand).
        if (ThreadsPerRun is { } k) start.Environment[Jepa.Data.TrainingData.CoresVariable] = k.ToString(CultureInfo.InvariantCulture);
        var output = Parallel > 1 ? Output : null;
        if (output is not null)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
        }
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        if (output is not null)
        {
            child.OutputDataReceived += (_, e) => { if (e.Data is not null) output($"[{run.Name}] {e.Data}"); };
            child.ErrorDataReceived += (_, e) => { if (e.Data is not null) output($"[{run.Name}] {e.Data}"); };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
        }
        using var forward = ct.Register(() => _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            try
            {
                if (!child.HasExited && !OperatingSystem.IsWindows()) _ = Kill(child.Id, SigTerm);
            }
            catch (InvalidOperationException)
            {
                // It ended in the meantime.
            }
        }));
        await child.WaitForExitAsync(CancellationToken.None);
        return child.ExitCode;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
