using System.Diagnostics;
using System.Globalization;
using Jepa.Config;
using Serilog;

namespace Jepa.Sweeps;

/// <summary>
/// The few SLURM commands a sweep needs: sbatch to submit, squeue to see what is still queued, scontrol to
/// read a job's state and requeue it. They find the cluster the way every SLURM client does (SLURM_CONF or
/// the system's slurm.conf).
/// </summary>
public static class Slurm
{
    /// <summary>Array jobs of this sweep that were submitted before, one id a line.</summary>
    public const string JobsFile = "jobs.txt";

    /// <summary>Submits <paramref name="script"/> with sbatch and returns the job id.</summary>
    public static string Submit(string script)
    {
        var (code, stdout, stderr) = Run("sbatch", ["--parsable", script]);
        if (code != 0) throw new InvalidOperationException($"sbatch {script} failed (exit {code}): {(stderr + stdout).Trim()}");
        // --parsable prints "id" or "id;cluster".
        var id = stdout.Trim().Split(';')[0];
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new InvalidOperationException($"sbatch {script} printed '{stdout.Trim()}' where a job id was expected.");
        return id;
    }

    /// <summary>The array (or plain) job ids of every job in the queue, pending or running.</summary>
    public static HashSet<string> Queued()
    {
        var (code, stdout, stderr) = Run("squeue", ["-h", "-o", "%F"]);
        if (code != 0) throw new InvalidOperationException($"squeue failed (exit {code}): {(stderr + stdout).Trim()}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }

    /// <summary>A job's JobState (RUNNING, COMPLETING, PENDING…), or null when SLURM no longer knows it.</summary>
    public static string? State(string jobId)
    {
        var (code, stdout, _) = Run("scontrol", ["show", "job", "-o", jobId]);
        if (code != 0) return null;
        foreach (var word in stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (word.StartsWith("JobState=", StringComparison.Ordinal)) return word["JobState=".Length..];
        return null;
    }

    /// <summary>
    /// After a run in job <paramref name="jobId"/> stopped on SIGTERM and checkpointed: requeue the job when
    /// it is still RUNNING, that is when the signal was the time-limit warning (--signal) or a
    /// <c>scancel --signal=TERM --full</c>. When SLURM itself is ending the job (scancel: CANCELLED;
    /// preemption or scontrol requeue: COMPLETING, and it requeues the job itself) nothing is done.
    /// True when this asked for the requeue.
    /// </summary>
    public static bool RequeueIfRunning(string jobId, ILogger log)
    {
        var state = State(jobId);
        if (state != "RUNNING")
        {
            log.Information("SLURM job {Job} is {State}: not requeued by jepa", jobId, state ?? "unknown");
            return false;
        }
        var (code, stdout, stderr) = Run("scontrol", ["requeue", jobId]);
        if (code != 0)
        {
            log.Error("scontrol requeue {Job} failed (exit {Code}): {Message}; run it by hand to continue the run", jobId, code, (stderr + stdout).Trim());
            return false;
        }
        log.Information("Requeued SLURM job {Job}: it continues from the checkpoint just written", jobId);
        return true;
    }

    private static (int Code, string Stdout, string Stderr) Run(string program, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UsageException($"{program} is not on PATH; --on slurm needs the SLURM client commands (sbatch, squeue, scontrol): run on a login node of the cluster, or print the script with --dry-run.");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} did not answer in 60 s; is slurmctld up?");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
