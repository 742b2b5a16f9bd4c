using System.Diagnostics;
using Jepa.Config;
using Jepa.Data;
using Jepa.Models;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Planning;

/// <summary>How one episode went under one policy.</summary>
/// <param name="Path">the agent's centre before each action and at the end</param>
/// <param name="Actions">the actions taken, one per step (Path[i] → Path[i+1])</param>
/// <param name="PlanSeconds">wall time spent planning (the model policy only)</param>
public sealed record EpisodeResult(int Index, string Policy, bool Success, double FinalDistance, int Steps, IReadOnlyList<(double X, double Y)> Path,
    IReadOnlyList<(double Ax, double Ay)> Actions, double PlanSeconds);

/// <summary>
/// Model-predictive control in the rooms world with a world model: the goal frame and the current frame
/// are encoded (EMA target encoder, layer-normed: the space the predictor predicts in), the CEM searches
/// action sequences (each action held <c>action_repeat</c> frames) whose imagined last embedding (or, with
/// <c>cost: min</c>, nearest one) is nearest the goal's (mean L1 over tokens and dims),
/// the first <c>replan_every</c> actions are taken in the real world, and the search starts again from
/// the new frame with the rest of the plan as its starting mean. The model never sees positions, only frames.
/// Beside it, two policies that need no model: random actions, and a straight line to the goal that
/// ignores the wall. Every episode ends when the agent is within <c>success_radius</c> of the goal or
/// after <c>max_steps</c> actions.
/// </summary>
public sealed class RoomsPlanner(HJepa model, PlanConfig plan, Device device, int seed)
{
    private readonly byte[] background = RoomsRenderer.Background(model.Size);

    /// <summary>The model policy on one episode.</summary>
    public EpisodeResult RunModel(PlanEpisode episode)
    {
        var world = new RoomsWorld(episode.Start.X, episode.Start.Y);
        var path = new List<(double, double)> { (world.X, world.Y) };
        var taken = new List<(double, double)>();
        using var scope = NewDisposeScope();
        var goal = Encode(episode.Goal); // [N, D]
        var generator = new Generator((ulong)seed * 7919UL + (ulong)episode.Index, device);
        int a = model.Spec.ActionDim, repeat = plan.ActionRepeat, searched = plan.Horizon / repeat, shift = plan.ReplanEvery / repeat;
        var mean = zeros(searched, a, device: device); // one row per held action
        var clock = new Stopwatch();
        int steps = 0;
        while (steps < plan.MaxSteps && !Reached(world, episode))
        {
            using var planScope = NewDisposeScope();
            clock.Start();
            var start = Encode((world.X, world.Y)).unsqueeze(0); // [1, N, D]
            var (best, _) = Cem.Optimize(population => Cost(start, Hold(population), goal), mean, plan.InitStd,
                plan.Population, plan.Elites, plan.Iterations, generator);
            var actions = Hold(best.unsqueeze(0))[0].cpu().data<float>().ToArray(); // [Horizon × A], frame by frame
            clock.Stop();
            for (int k = 0; k < plan.ReplanEvery && steps < plan.MaxSteps && !Reached(world, episode); k++, steps++)
            {
                world.Step(actions[k * a], actions[k * a + 1]);
                taken.Add((actions[k * a], actions[k * a + 1]));
                path.Add((world.X, world.Y));
            }
            // Receding horizon: what is left of this plan, then zeros, is where the next search starts.
            mean = cat([best.narrow(0, shift, searched - shift), zeros(shift, a, device: device)], 0).MoveToOuterDisposeScope();
        }
        return Result(episode, "model", world, steps, path, taken, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Uniform random actions in [-1, 1]², a pure function of (seed, episode).</summary>
    public static EpisodeResult RunRandom(PlanEpisode episode, PlanConfig plan, int seed)
    {
        var rng = new SynthRandom(SynthRandom.Mix(seed, episode.Index, stream: 13));
        return RunPolicy(episode, plan, "random", _ => (rng.Range(-1, 1), rng.Range(-1, 1)));
    }

    /// <summary>Straight at the goal at full speed (slowing to land on it), as if there were no wall.</summary>
    public static EpisodeResult RunStraight(PlanEpisode episode, PlanConfig plan) =>
        RunPolicy(episode, plan, "straight", w =>
        {
            double dx = episode.Goal.X - w.X, dy = episode.Goal.Y - w.Y, d = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
            double s = Math.Min(1, d / RoomsWorld.MaxStep);
            return (dx / d * s, dy / d * s);
        });

    /// <summary>Side of the animations for people, in pixels (the model sees its own size).</summary>
    public const int AnimationSize = 192;

    /// <summary>Frames held at the end of an animation, so a looping video shows where the episode ended.</summary>
    public const int HoldFrames = 4;

    /// <summary>
    /// Frames of an episode for people, [steps+1+<see cref="HoldFrames"/>, size, size, 3] uint8: the goal as a
    /// green ring, the path so far as dark dots, the agent; the last frame held. Drawn at any size (the
    /// world is in frame sides), so the report's animations need not be the model's 64 px blown up.
    /// </summary>
    public static byte[] Animate(EpisodeResult result, PlanEpisode episode, int size)
    {
        var background = RoomsRenderer.Background(size);
        RoomsRenderer.Mark(background, size, episode.Goal.X, episode.Goal.Y);
        int frameBytes = size * size * 3, count = result.Path.Count + HoldFrames;
        var frames = new byte[count * frameBytes];
        for (int f = 0; f < count; f++)
        {
            var (x, y) = result.Path[Math.Min(f, result.Path.Count - 1)];
            RoomsRenderer.Draw(frames.AsSpan(f * frameBytes, frameBytes), background, size, x, y);
            RoomsRenderer.Dot(background, size, x, y); // the trail, under the agent from the next frame on
        }
        return frames;
    }

    // Each searched action held for action_repeat frames: [P, H/r, A] → [P, H, A].
    private Tensor Hold(Tensor searched) => plan.ActionRepeat == 1 ? searched : searched.repeat_interleave(plan.ActionRepeat, 1);

    // Imagined embeddings of each sequence against the goal, the last one's distance or the nearest one's:
    // [1, N, D], [P, H, A], [N, D] → [P]. Its own dispose scope: a rollout's activations are freed at once.
    private Tensor Cost(Tensor start, Tensor population, Tensor goal)
    {
        using var scope = NewDisposeScope();
        var imagined = model.Rollout(start.expand(population.shape[0], -1, -1), population); // [P, H, N, D]
        var cost = plan.Cost == "min"
            ? (imagined - goal).abs().mean([2, 3]).amin(1)
            : (imagined.select(1, population.shape[1] - 1) - goal).abs().mean([1, 2]);
        return cost.MoveToOuterDisposeScope();
    }

    // The layer-normed target embedding of the frame with the agent at p: [N, D]. The frame is given
    // Chunk times so level 2 has one whole chunk (it is computed, not used).
    private Tensor Encode((double X, double Y) p)
    {
        int size = model.Size, frameBytes = size * size * 3, copies = model.Spec.Chunk;
        var bytes = new byte[copies * frameBytes];
        RoomsRenderer.Draw(bytes.AsSpan(0, frameBytes), background, size, p.X, p.Y);
        for (int c = 1; c < copies; c++) bytes.AsSpan(0, frameBytes).CopyTo(bytes.AsSpan(c * frameBytes));
        var input = ClipTensors.ToInput(bytes, 1, copies, size, device); // [1, C, 3, S, S]
        return model.EncodeTargets(input).Level1[0, 0];
    }

    private bool Reached(RoomsWorld w, PlanEpisode e) => Distance(w, e) <= plan.SuccessRadius;

    private static double Distance(RoomsWorld w, PlanEpisode e) => Math.Sqrt((w.X - e.Goal.X) * (w.X - e.Goal.X) + (w.Y - e.Goal.Y) * (w.Y - e.Goal.Y));

    private static EpisodeResult RunPolicy(PlanEpisode episode, PlanConfig plan, string name, Func<RoomsWorld, (double Ax, double Ay)> policy)
    {
        var world = new RoomsWorld(episode.Start.X, episode.Start.Y);
        var path = new List<(double, double)> { (world.X, world.Y) };
        var taken = new List<(double, double)>();
        int steps = 0;
        for (; steps < plan.MaxSteps && Distance(world, episode) > plan.SuccessRadius; steps++)
        {
            var (ax, ay) = policy(world);
            world.Step(ax, ay);
            taken.Add((ax, ay));
            path.Add((world.X, world.Y));
        }
        return Result(episode, name, world, steps, path, taken, 0, plan.SuccessRadius);
    }

    private EpisodeResult Result(PlanEpisode e, string policy, RoomsWorld w, int steps, List<(double, double)> path, List<(double, double)> taken, double seconds) =>
        Result(e, policy, w, steps, path, taken, seconds, plan.SuccessRadius);

    private static EpisodeResult Result(PlanEpisode e, string policy, RoomsWorld w, int steps, List<(double, double)> path, List<(double, double)> taken, double seconds, double radius)
    {
        double d = Distance(w, e);
        return new EpisodeResult(e.Index, policy, d <= radius, d, steps, path, taken, seconds);
    }
}
