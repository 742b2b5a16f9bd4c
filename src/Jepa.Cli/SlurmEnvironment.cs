using System.Globalization;

namespace Jepa.Cli;

/// <summary>
/// What SLURM tells a batch job through its environment: the job id (for an array task, the task's own id),
/// the array task index, how many times the job was requeued, and the cores it was given. Null outside SLURM.
/// </summary>
internal sealed record SlurmEnvironment(string JobId, string? ArrayJobId, int? ArrayTaskId, int RestartCount, int? CpusPerTask, string? Node)
{
    /// <summary>
    /// The id scontrol takes for this job alone: ARRAYJOB_TASK for an array task (its own SLURM_JOB_ID can equal
    /// the array's id, which names every task of the array), else the job id.
    /// </summary>
    public string ControlId => ArrayJobId is not null && ArrayTaskId is { } t ? $"{ArrayJobId}_{t}" : JobId;

    public static SlurmEnvironment? Current()
    {
        var job = Environment.GetEnvironmentVariable("SLURM_JOB_ID");
        if (string.IsNullOrEmpty(job)) return null;
        var array = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
        return new SlurmEnvironment(job, string.IsNullOrEmpty(array) ? null : array, Int("SLURM_ARRAY_TASK_ID"), Int("SLURM_RESTART_COUNT") ?? 0, Int("SLURM_CPUS_PER_TASK"),
            Environment.GetEnvironmentVariable("SLURMD_NODENAME"));
    }

    /// <summary>"job 12 (array task 3, restart 1) on node1": for the log.</summary>
    public override string ToString() =>
        $"job {ControlId}{(ArrayTaskId is { } t ? $" (array task {t}, restart {RestartCount})" : $" (restart {RestartCount})")}{(Node is null ? "" : " on " + Node)}";

    private static int? Int(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
