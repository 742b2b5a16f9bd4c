using System.Diagnostics;
using CsvHelper;
using Jepa.Config;
using Jepa.Video;

namespace Jepa.Worlds;

/// <summary>One recorded exploration episode: the agent's centre at every frame and the action taken after it.</summary>
public sealed record RoomsEpisode(IReadOnlyList<(double X, double Y)> Positions, IReadOnlyList<(float Ax, float Ay)> Actions);

/// <summary>
/// Exploration videos of <see cref="RoomsWorld"/> with their action files: <c>train/rooms_NNNN.mp4</c>
/// beside <c>train/rooms_NNNN.actions.csv</c> (<see cref="ActionFile"/>), the same in <c>val/</c>, and
/// <c>manifest.csv</c> (<c>path,split,actions,crossings</c>). The policy walks to random waypoints,
/// through the door when the waypoint is in the other room, with noisy speed and heading, and now and
/// then holds a random action against whatever is in the way, so the videos show doors crossed and
/// walls blocking.
/// </summary>
public static class RoomsSet
{
    /// <summary>Column names of <c>manifest.csv</c>, in order.</summary>
    public static readonly IReadOnlyList<string> ManifestColumns = ["path", "split", "actions", "crossings"];

    /// <summary>Episode <paramref name="index"/> of a set: a pure function of (seed, index, frames).</summary>
    public static RoomsEpisode Explore(int seed, int index, int frames)
    {
        var rng = new SynthRandom(SynthRandom.Mix(seed, index, stream: 7));
        var start = RoomsWorld.RandomFree(rng, rng.Next(2));
        var world = new RoomsWorld(start.X, start.Y);
        var positions = new List<(double, double)>(frames);
        var actions = new List<(float, float)>(frames);
        (double X, double Y) waypoint = default;
        int hold = 0;
        double speed = 1, hx = 0, hy = 0;
        bool wander = false;
        for (int f = 0; f < frames; f++)
        {
            positions.Add((world.X, world.Y));
            if (hold <= 0 || (!wander && Dist(world.X, world.Y, waypoint.X, waypoint.Y) < 0.04))
            {
                // A new intention: 25% a random action held 2..6 frames (it runs into walls), else a waypoint.
                wander = rng.NextDouble() < 0.25;
                hold = wander ? 2 + rng.Next(5) : 12 + rng.Next(12);
                speed = rng.Range(0.3, 1.0);
                double angle = rng.Range(0, 2 * Math.PI);
                (hx, hy) = (Math.Cos(angle), Math.Sin(angle));
                waypoint = RoomsWorld.RandomFree(rng, rng.NextDouble() < 0.6 ? 1 - world.Room : world.Room);
            }
            double ax, ay;
            if (wander)
                (ax, ay) = (hx * speed, hy * speed);
            else
            {
                var target = Subgoal(world.X, world.Y, waypoint.X, waypoint.Y);
                double dx = target.X - world.X, dy = target.Y - world.Y, d = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
                double reach = Math.Min(speed, d / RoomsWorld.MaxStep);
                (ax, ay) = (dx / d * reach, dy / d * reach);
            }
            ax = Math.Clamp(ax + 0.25 * Gaussian(rng), -1, 1);
            ay = Math.Clamp(ay + 0.25 * Gaussian(rng), -1, 1);
            // Rounded to 1e-4: what the action file stores is exactly what was applied.
            var a = ((float)Math.Round(ax, 4), (float)Math.Round(ay, 4));
            actions.Add(a);
            world.Step(a.Item1, a.Item2);
            hold--;
        }
        return new RoomsEpisode(positions, actions);
    }

    /// <summary>
    /// Where to head for next on the way from (x, y) to (gx, gy): the goal itself in the same room,
    /// otherwise the door's near side, then its far side (a path that never cuts the wall's corner).
    /// </summary>
    public static (double X, double Y) Subgoal(double x, double y, double gx, double gy)
    {
        if (RoomsWorld.RoomOf(x) == RoomsWorld.RoomOf(gx))
            return (gx, gy);
        double side = RoomsWorld.RoomOf(x) == 0 ? -1 : 1;
        double nearX = RoomsWorld.WallX + side * (RoomsWorld.WallHalf + RoomsWorld.AgentRadius + 0.02);
        bool lined = Math.Abs(y - RoomsWorld.DoorY) < RoomsWorld.DoorHalf - RoomsWorld.AgentRadius;
        if (!lined)
            return (nearX, RoomsWorld.DoorY);
        return (RoomsWorld.WallX - side * (RoomsWorld.WallHalf + RoomsWorld.AgentRadius + 0.03), RoomsWorld.DoorY);
    }

    /// <summary>
    /// Renders and encodes every episode of <paramref name="options"/> (train first, then val) with its
    /// action file, and writes <c>manifest.csv</c>. Two videos are rendered and encoded at a time.
    /// </summary>
    public static SynthResult Generate(string outDir, SynthOptions options, CancellationToken ct = default)
    {
        if (options.TrainCount < 0 || options.ValCount < 0 || options.TrainCount + options.ValCount == 0)
            throw new UsageException("--train and --val must be ≥ 0 and not both 0.");
        if (options.FrameCount < 2)
            throw new UsageException($"a rooms video needs at least 2 frames (--seconds × --fps), got {options.FrameCount}.");
        var clock = Stopwatch.StartNew();
        var root = Path.GetFullPath(outDir);
        Directory.CreateDirectory(Path.Combine(root, "train"));
        Directory.CreateDirectory(Path.Combine(root, "val"));
        int total = options.TrainCount + options.ValCount;
        var crossings = new int[total];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct };
        Parallel.For(0, total, parallel, i =>
        {
            var episode = Explore(options.Seed, i, options.FrameCount);
            crossings[i] = Enumerable.Range(1, episode.Positions.Count - 1)
                .Count(f => RoomsWorld.RoomOf(episode.Positions[f].X) != RoomsWorld.RoomOf(episode.Positions[f - 1].X));
            var spec = Spec(options, i);
            var video = Path.Combine(root, spec.Split, spec.Name);
            ActionFile.Write(ActionFile.PathFor(video), new ActionFile(["ax", "ay"],
                episode.Actions.Select(a => new[] { a.Ax, a.Ay }).ToArray(), ["x", "y"],
                episode.Positions.Select(p => new[] { Math.Round(p.X, 5), Math.Round(p.Y, 5) }).ToArray()));
            SynthEncoder.Encode(RoomsRenderer.Render(episode.Positions, options.Size), spec, video, ct);
            options.VideoWritten?.Invoke();
        });

        var manifest = Path.Combine(root, "manifest.csv");
        using (var csv = CsvWriter.Create(File.Create(manifest), CsvWriterOptions.Default with { NewLine = "\n" }, false))
        {
            csv.WriteHeader(ManifestColumns.ToArray());
            for (int i = 0; i < total; i++)
            {
                var spec = Spec(options, i);
                csv.WriteRecord([$"{spec.Split}/{spec.Name}", spec.Split, $"{spec.Split}/{Path.GetFileNameWithoutExtension(spec.Name)}.actions.csv", crossings[i].ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
        }
        return new SynthResult(root, manifest, options.TrainCount, options.ValCount, clock.Elapsed);
    }

    private static SynthVideoSpec Spec(SynthOptions o, int i) =>
        new(i, i < o.TrainCount ? "train" : "val", $"rooms_{i:D4}.mp4", o.Size, o.Fps, o.FrameCount, false, "", 0, "", 0, []);

    private static double Dist(double x0, double y0, double x1, double y1) => Math.Sqrt((x0 - x1) * (x0 - x1) + (y0 - y1) * (y0 - y1));

    // Box–Muller from two uniforms of the set's own generator.
    private static double Gaussian(SynthRandom rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
