using System.Diagnostics;
using System.Runtime.InteropServices;
using Jepa.Config;
using Serilog;

namespace Jepa.Sweeps;

/// <summary>
/// Runs a sweep on this machine, one run after another, each as a child <c>jepa train --resume auto</c>
/// process (then <c>jepa eval --task predict</c>): every run has its own run.lock, checkpoints and logs,
/// so a sweep killed at any moment leaves each run resumable, and running it again skips the finished
/// runs and continues the interrupted one.
/// </summary>
public sealed partial class SweepRunner(SweepPlan plan, Func<IReadOnlyList<string>, ProcessStartInfo> jepa, bool evaluate, ILogger log)
{
    /// <summary>0 when every run is done; 1 when one failed or was in use elsewhere; 130 when interrupted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var notDone = new List<string>();
        foreach (var run in plan.Runs)
        {
            if (ct.IsCancellationRequested) return 130;
            if (SweepRunStatus.IsLocked(run.Dir))
            {
                log.Warning("Run {Name} is in use by another process; left to it", run.Name);
                notDone.Add(run.Name);
                continue;
            }
            var failed = Path.Combine(run.Dir, SweepRunStatus.FailedFile);
            if (File.Exists(failed)) File.Delete(failed); // tried again: its state is what this attempt gives

            var steps = ConfigLoader.Load(run.ConfigPath, []).Train.Steps;
            if (SweepRunStatus.IsComplete(run.Dir, steps))
                log.Information("Run {Name}: done ({Steps} steps); skipped", run.Name, steps);
            else
            {
                log.Information("Run {Name}: training ({Dir})", run.Name, run.Dir);
                var code = await RunChildAsync(["train", "--config", run.ConfigPath, "--run-dir", run.Dir, "--resume", "auto"], ct);
                if (code == 130 || ct.IsCancellationRequested) return 130;
                if (code != 0)
                {
                    Fail(run, $"jepa train exited {code}; see {Path.Combine(run.Dir, "train.log")}");
                    notDone.Add(run.Name);
                    continue;
                }
            }

            if (!evaluate || Evaluated(run, steps)) continue;
            var val = ConfigLoader.Load(run.ConfigPath, []).Data.Val;
            if (!File.Exists(val) && !Directory.Exists(val) && !val.Contains('*'))
            {
                log.Warning("Run {Name}: data.val {Val} does not exist; not evaluated", run.Name, val);
                continue;
            }
            log.Information("Run {Name}: evaluating (predict)", run.Name);
            var evalCode = await RunChildAsync(["eval", "--checkpoint", Path.Combine(run.Dir, "checkpoints", "latest.ckpt"), "--task", "predict"], ct);
            if (evalCode == 130 || ct.IsCancellationRequested) return 130;
            if (evalCode != 0)
            {
                Fail(run, $"jepa eval --task predict exited {evalCode}");
                notDone.Add(run.Name);
            }
        }
        if (notDone.Count == 0) return 0;
        log.Error("{Count} of {Total} runs are not done: {Names}", notDone.Count, plan.Runs.Count, string.Join(", ", notDone));
        return 1;
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
    /// Runs jepa with <paramref name="args"/>, its output going straight to ours. On cancellation
    /// (Ctrl+C or SIGTERM to the sweep) the child is sent SIGTERM, so it finishes its step, writes
    /// latest.ckpt and exits 130. Ctrl+C at a terminal reaches the child by itself (same process group);
    /// the SIGTERM follows a second later so it never arrives first and reads as a second Ctrl+C, which
    /// would stop the child without a checkpoint.
    /// </summary>
    private async Task<int> RunChildAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var start = jepa(args);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
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
