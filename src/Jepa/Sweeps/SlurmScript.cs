using System.Globalization;
using System.Text;
using Jepa.Config;

namespace Jepa.Sweeps;

/// <summary>
/// How a sweep's array job asks SLURM for resources: partition, account, time limit, GPUs and cores per run,
/// array tasks at once, how long before the time limit the tasks get SIGTERM, and any other sbatch flags.
/// Null leaves the choice to SLURM (or to the SBATCH_* environment variables sbatch reads itself).
/// </summary>
public sealed record SlurmOptions(
    string? Partition = null, string? Account = null, string? Time = null, int GpusPerRun = 1, int? CpusPerRun = null,
    int? Parallel = null, int SignalSeconds = 120, IReadOnlyList<string>? Extra = null, bool Evaluate = true)
{
    public void Validate()
    {
        if (GpusPerRun < 0) throw new UsageException($"--gpus {GpusPerRun} is below 0; give GPUs per run (0 for CPU-only runs).");
        if (CpusPerRun is < 1) throw new UsageException($"--cpus {CpusPerRun} is below 1; give the cores each run gets.");
        if (Parallel is < 1) throw new UsageException($"--parallel {Parallel} is below 1; give the most runs that may run at once.");
        if (SignalSeconds < 1) throw new UsageException($"--signal-before {SignalSeconds} is below 1; give the seconds before the time limit at which a run checkpoints.");
        foreach (var (value, flag) in new[] { (Partition, "--partition"), (Account, "--account"), (Time, "--time") })
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '#')))
                throw new UsageException($"{flag} '{value}' is empty or holds a space or quote; give the name SLURM knows it by.");
    }
}

/// <summary>
/// The sbatch script of a sweep: one array task per run (the task's index is the run's row in sweep.csv),
/// each running <c>jepa sweep task DIR</c>, which trains that run with --resume auto and evaluates it.
/// Preemption and time limits: <c>--requeue</c>, and SIGTERM <c>--signal-before</c> seconds before the
/// limit to jepa itself (<c>B:</c> signals the batch shell, which <c>exec</c> made jepa), which checkpoints,
/// requeues the task and exits; the requeued task resumes from that checkpoint. <c>--open-mode=append</c>
/// keeps the output of every attempt in one file (SLURM would truncate it on requeue).
/// </summary>
public static class SlurmScript
{
    public const string FileName = "sweep.sbatch";
    public const string OutputFolder = "slurm";

    /// <summary>The script for the runs at <paramref name="indices"/>; <paramref name="jepaCommand"/> starts this jepa.</summary>
    public static string Build(SweepPlan plan, IReadOnlyList<int> indices, SlurmOptions options, IReadOnlyList<string> jepaCommand)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append(CultureInfo.InvariantCulture, $"# Written by jepa sweep --on slurm: array task i trains run i of {Path.Combine(plan.Dir, SweepPlan.ListFile)}\n");
        sb.Append("# (0-based, header not counted) with --resume auto, then evaluates it. Submit again with the same\n");
        sb.Append("# jepa sweep command: it submits only the runs that are not done.\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name=jepa-{Safe(Path.GetFileName(plan.Dir))}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --array={ArraySpec(indices)}{(options.Parallel is { } p ? "%" + p.ToString(CultureInfo.InvariantCulture) : "")}\n");
        sb.Append("#SBATCH --ntasks=1\n");
        if (options.CpusPerRun is { } cpus) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={cpus}\n");
        if (options.GpusPerRun > 0) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --gres=gpu:{options.GpusPerRun}\n");
        if (options.Partition is not null) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={options.Partition}\n");
        if (options.Account is not null) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --account={options.Account}\n");
        if (options.Time is not null) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={options.Time}\n");
        sb.Append("#SBATCH --requeue\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --signal=B:TERM@{options.SignalSeconds}\n");
        sb.Append("#SBATCH --open-mode=append\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Path.Combine(plan.Dir, OutputFolder, "%A_%a.out")}\n");
        foreach (var extra in options.Extra ?? []) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH {extra}\n");
        sb.Append('\n');
        // exec: jepa becomes the batch shell, so the B: signal and scancel -b reach it, not a bash that waits.
        var args = jepaCommand.Concat(["sweep", "task", plan.Dir]).Concat(options.Evaluate ? [] : ["--no-eval"]);
        sb.Append("exec ").Append(string.Join(' ', args.Select(Quote))).Append('\n');
        return sb.ToString();
    }

    /// <summary>0,1,2,5,7,8 → "0-2,5,7-8".</summary>
    public static string ArraySpec(IReadOnlyList<int> indices)
    {
        var parts = new List<string>();
        var sorted = indices.Distinct().Order().ToList();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>A word for bash: single-quoted unless it is plainly safe.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '=' or ':' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Safe(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}
