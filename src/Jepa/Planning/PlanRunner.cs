using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jepa.Config;
using Jepa.Models;
using Jepa.Video;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Planning;

/// <summary>One episode in <c>plan.json</c>.</summary>
public sealed record PlanRunEpisode(
    [property: JsonPropertyName("episode")] int Episode,
    [property: JsonPropertyName("start")] double[] Start,
    [property: JsonPropertyName("goal")] double[] Goal,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("final_distance")] double FinalDistance,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("seconds_per_step")] double SecondsPerStep,
    [property: JsonPropertyName("door_on_line")] bool DoorOnLine,
    [property: JsonPropertyName("animation")] string Animation,
    [property: JsonPropertyName("actions")] string Actions);

/// <summary>What <c>jepa plan</c> writes as <c>plan.json</c>.</summary>
public sealed record PlanRunSummary(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("success_rate")] double SuccessRate,
    [property: JsonPropertyName("success_radius")] double SuccessRadius,
    [property: JsonPropertyName("max_steps")] int MaxSteps,
    [property: JsonPropertyName("cem")] PlanConfig Cem,
    [property: JsonPropertyName("episodes")] IReadOnlyList<PlanRunEpisode> Episodes);

/// <summary>
/// <c>jepa plan</c>: a few episodes of the rooms world run by the model (CEM in embedding space), each
/// written as an animation (<c>episode_N.mp4</c>, goal as a green ring), the actions it took
/// (<c>episode_N.actions.csv</c>, the format of <see cref="ActionFile"/>: the action after each frame and
/// the agent's centre) and one <c>plan.json</c> summary.
/// </summary>
public static class PlanRunner
{
    public const string SummaryFile = "plan.json";

    public static string Animation(int i) => $"episode_{i}.mp4";

    /// <summary>The files a run of <paramref name="episodes"/> episodes writes into its folder.</summary>
    public static IEnumerable<string> Written(int episodes) =>
        [SummaryFile, .. Enumerable.Range(0, episodes).SelectMany(i => new[] { Animation(i), ActionFile.PathFor(Animation(i)) })];

    /// <summary>The episode from a start and goal the user gave, as one sentence when either is not a free place for the disc.</summary>
    public static PlanEpisode Custom((double X, double Y) start, (double X, double Y) goal)
    {
        foreach (var (name, p) in new[] { ("--start", start), ("--goal", goal) })
            if (!RoomsWorld.IsFree(p.X, p.Y))
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{name} {p.X},{p.Y} puts the disc in a wall; give a point at least {RoomsWorld.AgentRadius} from every wall, e.g. 0.25,0.5 (left room) or 0.75,0.5 (right room); the dividing wall is at x = {RoomsWorld.WallX}, the door at y {RoomsWorld.DoorY - RoomsWorld.DoorHalf}–{RoomsWorld.DoorY + RoomsWorld.DoorHalf}."));
        return new PlanEpisode(0, start, goal);
    }

    public static PlanRunSummary Run(HJepa model, PlanConfig plan, string checkpoint, IReadOnlyList<PlanEpisode> episodes, int seed,
        Device device, string outDir, Action<string>? progress, CancellationToken ct)
    {
        if (model.Spec.ActionDim != 2)
            throw new UsageException($"jepa plan steps the rooms world, whose actions have 2 numbers, but this checkpoint's predictor takes {model.Spec.ActionDim} (model.action_dim); train one with configs/plan-cpu.yaml.");
        model.eval();
        var planner = new RoomsPlanner(model, plan, device, seed);
        Directory.CreateDirectory(outDir);
        var rows = new List<PlanRunEpisode>();
        for (int i = 0; i < episodes.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var e = episodes[i] with { Index = i };
            var r = planner.RunModel(e);
            var video = Animation(i);
            var frames = RoomsPlanner.Animate(r, e, RoomsPlanner.AnimationSize);
            SynthEncoder.Encode(frames, new SynthVideoSpec(i, "plan", video, RoomsPlanner.AnimationSize, 4, r.Path.Count + RoomsPlanner.HoldFrames, false, "", 0, "", 0, []), Path.Combine(outDir, video), ct);
            // One row per frame: the action taken after it (none after the last frame) and where the agent is.
            var actions = Enumerable.Range(0, r.Path.Count).Select(f => f < r.Actions.Count ? new[] { (float)r.Actions[f].Ax, (float)r.Actions[f].Ay } : new[] { 0f, 0f }).ToArray();
            var states = r.Path.Select(p => new[] { p.X, p.Y }).ToArray();
            var csv = ActionFile.PathFor(video);
            ActionFile.Write(Path.Combine(outDir, csv), new ActionFile(["ax", "ay"], actions, ["x", "y"], states));
            rows.Add(new PlanRunEpisode(i, [e.Start.X, e.Start.Y], [e.Goal.X, e.Goal.Y], r.Success, r.FinalDistance, r.Steps,
                r.PlanSeconds / Math.Max(1, r.Steps), PlanEvaluator.DoorOnLine(e), video, csv));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"episode {i + 1}/{episodes.Count}: ({e.Start.X:F2}, {e.Start.Y:F2}) → ({e.Goal.X:F2}, {e.Goal.Y:F2}): {(r.Success ? "reached" : "missed")} the goal in {r.Steps} steps (final distance {r.FinalDistance:F3}), {r.PlanSeconds / Math.Max(1, r.Steps):F2} s per step"));
        }
        model.train();
        var summary = new PlanRunSummary(checkpoint, seed, rows.Average(r => r.Success ? 1.0 : 0), plan.SuccessRadius, plan.MaxSteps, plan, rows);
        File.WriteAllText(Path.Combine(outDir, SummaryFile), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }
}
