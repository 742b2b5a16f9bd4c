using System.Globalization;
using System.Text.Json;
using Jepa.Config;
using Jepa.Training;

namespace Jepa.Sweeps;

/// <summary>One run's state, progress, last loss and latest evaluation figures, read from its run directory.</summary>
public sealed record SweepRunStatus(
    SweepRun Run, RunState State, long Step, long Steps, double? Loss, string? Failure,
    IReadOnlyList<KeyValuePair<string, double>> Figures)
{
    /// <summary>Written by the sweep when a run's training or evaluation fails; removed when it is retried.</summary>
    public const string FailedFile = "sweep-failed.txt";

    public static SweepRunStatus Read(SweepRun run)
    {
        long steps = File.Exists(run.ConfigPath) ? ConfigLoader.Load(run.ConfigPath, []).Train.Steps : 0;
        var (logged, loss) = LastLogged(Path.Combine(run.Dir, "metrics.jsonl"));
        // Steps are logged every log.every; a checkpoint may be further on (its name says which step).
        var step = Math.Max(logged, CheckpointFiles.ListNumbered(run.Dir).Select(c => c.Step).DefaultIfEmpty(0).First());
        var failedPath = Path.Combine(run.Dir, FailedFile);
        var failure = File.Exists(failedPath) ? File.ReadAllText(failedPath).Trim() : null;
        var state = IsLocked(run.Dir) ? RunState.Running
            : failure is not null ? RunState.Failed
            : IsComplete(run.Dir, steps) ? RunState.Done
            : RunState.Pending;
        return new SweepRunStatus(run, state, step, steps, loss, failure, EvalFigures(run.Dir));
    }

    /// <summary>True when the run's latest checkpoint reads back whole and has reached <paramref name="steps"/>.</summary>
    public static bool IsComplete(string runDir, long steps)
    {
        var latest = Path.Combine(CheckpointFiles.Folder(runDir), CheckpointFiles.Latest);
        return steps > 0 && File.Exists(latest) && Checkpoint.IsValid(latest, out _) && Checkpoint.ReadHeader(latest).Step >= steps;
    }

    /// <summary>
    /// True when a live process holds the run's run.lock: jepa train holds it with no sharing for its life,
    /// and the kernel frees it when that process dies, even by SIGKILL.
    /// </summary>
    public static bool IsLocked(string runDir)
    {
        var path = Path.Combine(runDir, "run.lock");
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The step and loss of the last line of metrics.jsonl ((0, null) when nothing is logged).</summary>
    private static (long Step, double? Loss) LastLogged(string metrics)
    {
        if (!File.Exists(metrics)) return (0, null);
        var last = File.ReadLines(metrics).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (last is null) return (0, null);
        try
        {
            var root = JsonDocument.Parse(last).RootElement;
            var step = root.TryGetProperty("step", out var s) && s.TryGetInt64(out var v) ? v : 0;
            double? loss = root.TryGetProperty("loss", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetDouble() : null;
            return (step, loss);
        }
        catch (JsonException)
        {
            return (0, null); // a line cut short by a kill: the trainer trims it when it resumes
        }
    }

    /// <summary>
    /// From eval/report.json: the eval step, each level and horizon's predict ratio, and each level's
    /// effective rank (empty when there is no report).
    /// </summary>
    private static List<KeyValuePair<string, double>> EvalFigures(string runDir)
    {
        var figures = new List<KeyValuePair<string, double>>();
        var path = Path.Combine(runDir, "eval", "report.json");
        if (!File.Exists(path)) return figures;
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }
        catch (JsonException)
        {
            return figures;
        }
        if (root.TryGetProperty("step", out var step) && step.TryGetInt64(out var s)) figures.Add(new("eval_step", s));
        if (root.TryGetProperty("predict", out var predict) && predict.TryGetProperty("levels", out var levels))
            foreach (var l in levels.EnumerateArray())
                figures.Add(new($"l{Int(l, "level")}_h{Int(l, "horizon")}_ratio", l.GetProperty("ratio").GetDouble()));
        if (root.TryGetProperty("collapse", out var collapse) && collapse.TryGetProperty("levels", out var ranks))
            foreach (var l in ranks.EnumerateArray())
                figures.Add(new($"l{Int(l, "level")}_effective_rank", l.GetProperty("effective_rank").GetDouble()));
        return figures;
    }

    private static string Int(JsonElement e, string key) => e.GetProperty(key).GetInt32().ToString(CultureInfo.InvariantCulture);
}
