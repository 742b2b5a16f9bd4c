using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Video;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Planning;

/// <summary>The <c>plan</c> section of report.json.</summary>
public sealed record PlanSection(
    [property: JsonPropertyName("episodes")] int Episodes,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("success_rate")] double SuccessRate,
    [property: JsonPropertyName("random_success_rate")] double RandomSuccessRate,
    [property: JsonPropertyName("straight_success_rate")] double StraightSuccessRate,
    [property: JsonPropertyName("mean_final_distance")] double MeanFinalDistance,
    [property: JsonPropertyName("random_mean_final_distance")] double RandomMeanFinalDistance,
    [property: JsonPropertyName("straight_mean_final_distance")] double StraightMeanFinalDistance,
    [property: JsonPropertyName("mean_steps")] double MeanSteps,
    [property: JsonPropertyName("seconds_per_step")] double SecondsPerStep,
    [property: JsonPropertyName("cpu_seconds_per_step")] double? CpuSecondsPerStep,
    [property: JsonPropertyName("door_on_line_episodes")] int DoorOnLineEpisodes,
    [property: JsonPropertyName("straight_success_when_door_on_line")] double? StraightSuccessDoorOnLine,
    [property: JsonPropertyName("straight_success_when_door_off_line")] double? StraightSuccessDoorOffLine,
    [property: JsonPropertyName("success_when_door_off_line")] double? SuccessDoorOffLine,
    [property: JsonPropertyName("success_radius")] double SuccessRadius,
    [property: JsonPropertyName("max_steps")] int MaxSteps,
    [property: JsonPropertyName("cem")] PlanConfig Cem,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("animations")] IReadOnlyList<string> Animations);

/// <summary>What eval --task plan merges into report.json.</summary>
public sealed record PlanReport([property: JsonPropertyName("plan")] PlanSection Plan);

/// <summary>
/// <c>jepa eval --task plan</c>: episodes of the rooms world with start and goal in different rooms,
/// each run by the model (CEM in embedding space), by random actions and by a straight line; success
/// rates, final distances, planning time per step, a CSV of every episode and animations of the first few.
/// </summary>
public static class PlanEvaluator
{
    public static PlanReport Evaluate(HJepa model, PlanConfig plan, int episodes, int seed, Device device, string outDir, Action<string>? progress, CancellationToken ct)
    {
        if (model.Spec.ActionDim != 2)
            throw new UsageException($"--task plan steps the rooms world, whose actions have 2 numbers, but this checkpoint's predictor takes {model.Spec.ActionDim} (model.action_dim); train one with configs/plan-cpu.yaml.");
        var wall = Stopwatch.StartNew();
        model.eval();
        var planner = new RoomsPlanner(model, plan, device, seed);
        var list = PlanEpisodes.Make(seed, episodes);
        var cpuStart = CpuClock.Now(); // CPU-seconds (all threads): a figure the machine's other jobs do not inflate
        var rows = new List<(EpisodeResult Model, EpisodeResult Random, EpisodeResult Straight)>();
        foreach (var e in list)
        {
            ct.ThrowIfCancellationRequested();
            var m = planner.RunModel(e);
            rows.Add((m, RoomsPlanner.RunRandom(e, plan, seed), RoomsPlanner.RunStraight(e, plan)));
            progress?.Invoke($"episode {e.Index + 1}/{episodes}: model {(m.Success ? "reached" : "missed")} the goal in {m.Steps} steps (final distance {m.FinalDistance:F3}), {m.PlanSeconds / Math.Max(1, m.Steps):F2} s per step");
        }
        model.train();
        double? cpu = CpuClock.Now() - cpuStart;

        Directory.CreateDirectory(outDir);
        WriteCsv(Path.Combine(outDir, "plan_episodes.csv"), list, rows);
        var animations = new List<string>();
        for (int i = 0; i < Math.Min(PlanHtml.Animated, rows.Count); i++)
        {
            var name = PlanHtml.Animation(i);
            int size = RoomsPlanner.AnimationSize;
            var frames = RoomsPlanner.Animate(rows[i].Model, list[i], size);
            var spec = new SynthVideoSpec(i, "plan", name, size, 4, rows[i].Model.Path.Count + RoomsPlanner.HoldFrames, false, "", 0, "", 0, []);
            SynthEncoder.Encode(frames, spec, Path.Combine(outDir, name), ct);
            animations.Add(name);
        }
        // Episodes whose straight line from start to goal passes through the door, and the others.
        var onLine = rows.Where((r, i) => DoorOnLine(list[i])).ToList();
        var offLine = rows.Where((r, i) => !DoorOnLine(list[i])).ToList();
        double modelSteps = rows.Sum(r => r.Model.Steps);
        return new PlanReport(new PlanSection(
            episodes, seed,
            rows.Average(r => r.Model.Success ? 1.0 : 0), rows.Average(r => r.Random.Success ? 1.0 : 0), rows.Average(r => r.Straight.Success ? 1.0 : 0),
            rows.Average(r => r.Model.FinalDistance), rows.Average(r => r.Random.FinalDistance), rows.Average(r => r.Straight.FinalDistance),
            rows.Average(r => (double)r.Model.Steps), rows.Sum(r => r.Model.PlanSeconds) / Math.Max(1, modelSteps),
            cpu / Math.Max(1, modelSteps),
            onLine.Count,
            onLine.Count == 0 ? null : (double?) onLine.Average(r => r.Straight.Success ? 1.0 : 0),
            offLine.Count == 0 ? null : (double?) offLine.Average(r => r.Straight.Success ? 1.0 : 0),
            offLine.Count == 0 ? null : (double?) offLine.Average(r => r.Model.Success ? 1.0 : 0),
            plan.SuccessRadius, plan.MaxSteps, plan, wall.Elapsed.TotalSeconds, animations));
    }

    /// <summary>
    /// True when the door is on the line: a disc moving along the segment from start to goal touches no
    /// wall (checked every 0.005 frame sides), so a walk straight at the goal gets through the door.
    /// </summary>
    public static bool DoorOnLine(PlanEpisode e)
    {
        double dx = e.Goal.X - e.Start.X, dy = e.Goal.Y - e.Start.Y;
        int n = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(dx * dx + dy * dy) / 0.005));
        for (int i = 0; i <= n; i++)
            if (!RoomsWorld.IsFree(e.Start.X + dx * i / n, e.Start.Y + dy * i / n))
                return false;
        return true;
    }

    /// <summary>The plan section as a plain-text table.</summary>
    public static string Table(PlanSection p)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Planning in the rooms world: {p.Episodes} episodes (seed {p.Seed}), start and goal in different rooms, success = within {p.SuccessRadius} of the goal within {p.MaxSteps} actions:");
        sb.AppendLine("  policy     success  mean_final_distance");
        sb.AppendLine(c, $"  model      {p.SuccessRate,7:P0}  {p.MeanFinalDistance,19:F3}");
        sb.AppendLine(c, $"  random     {p.RandomSuccessRate,7:P0}  {p.RandomMeanFinalDistance,19:F3}");
        sb.AppendLine(c, $"  straight   {p.StraightSuccessRate,7:P0}  {p.StraightMeanFinalDistance,19:F3}   (door on the line, {p.DoorOnLineEpisodes} episode{(p.DoorOnLineEpisodes == 1 ? "" : "s")}: {p.StraightSuccessDoorOnLine:P0}; off it, {p.Episodes - p.DoorOnLineEpisodes}: {p.StraightSuccessDoorOffLine:P0})");
        sb.AppendLine(c, $"  model when the door is off the line: {p.SuccessDoorOffLine:P0}");
        sb.AppendLine(c, $"  planning: {p.SecondsPerStep:F3} s per step{(p.CpuSecondsPerStep is { } cpu ? $" ({cpu:F3} CPU-s, all threads, whatever else the machine runs)" : "")}, {p.MeanSteps:F1} steps per episode; {p.WallSeconds:F0} s in all");
        return sb.ToString();
    }

    private static void WriteCsv(string path, IReadOnlyList<PlanEpisode> list, List<(EpisodeResult Model, EpisodeResult Random, EpisodeResult Straight)> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("episode,start_x,start_y,goal_x,goal_y,door_on_line,model_success,model_final_distance,model_steps,model_plan_seconds,random_success,random_final_distance,straight_success,straight_final_distance\n");
        for (int i = 0; i < rows.Count; i++)
        {
            var (m, r, s) = rows[i];
            var e = list[i];
            sb.AppendLine(c, $"{e.Index},{e.Start.X:F4},{e.Start.Y:F4},{e.Goal.X:F4},{e.Goal.Y:F4},{(DoorOnLine(e) ? 1 : 0)},{(m.Success ? 1 : 0)},{m.FinalDistance:F4},{m.Steps},{m.PlanSeconds:F3},{(r.Success ? 1 : 0)},{r.FinalDistance:F4},{(s.Success ? 1 : 0)},{s.FinalDistance:F4}");
        }
        File.WriteAllText(path, sb.ToString());
    }
}
