using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Jepa.Config;

namespace Jepa.Worlds;

/// <summary>
/// The physics world as data sets: <c>physics</c> (plausible clips only, to train on, with speed and
/// direction labels) and <c>voe</c> (violation of expectation: groups of clips sharing a start, one
/// plausible and one per <see cref="PhysicsEvent"/>, listed in <c>pairs.csv</c>).
/// </summary>
public static partial class SynthPhysicsSet
{
    /// <summary>Horizontal speed classes of the throw, in frame sides per second (±10% within a class).</summary>
    public static readonly IReadOnlyList<(string Name, double SidesPerSecond)> Speeds =
        [("slow", 0.25), ("medium", 0.5), ("fast", 0.9)];

    /// <summary>The impossible continuations every voe group has, in file order after the plausible clip.</summary>
    public static readonly IReadOnlyList<PhysicsEvent> Violations =
        [PhysicsEvent.Vanish, PhysicsEvent.Teleport, PhysicsEvent.ThroughWall, PhysicsEvent.Antigravity, PhysicsEvent.Recolour, PhysicsEvent.Reshape];

    /// <summary>The events that happen while the object is behind a screen: the groups of the world with occluders that have one.</summary>
    public static readonly IReadOnlyList<PhysicsEvent> HiddenEvents =
    [
        PhysicsEvent.VanishBehind, PhysicsEvent.HiddenRecolour, PhysicsEvent.HiddenReshape, PhysicsEvent.HiddenResize,
        PhysicsEvent.ReappearEarly, PhysicsEvent.ReappearLate, PhysicsEvent.ReappearPlace, PhysicsEvent.ReappearSpeed,
    ];

    /// <summary>The pairwise impossible continuations of voe group <paramref name="group"/>, in file order after the plausible clip (none for an occlusion group: it has <see cref="HiddenQuadruplets"/>; with occluders a plain group keeps only throughwall and antigravity pairwise, which have no plausible mirror here; the rest are <see cref="PlainQuadruplets"/> and <see cref="MotionQuadruplets"/>).</summary>
    public static IReadOnlyList<PhysicsEvent> ViolationsOf(int group, SynthOptions options) =>
        !options.Occluders ? Violations
        : OcclusionGroup(group) ? []
        : [.. Violations.Where(v => v is PhysicsEvent.ThroughWall or PhysicsEvent.Antigravity)];

    /// <summary>The balanced quadruplets of voe group <paramref name="group"/> (none without occluders).</summary>
    public static IReadOnlyList<HiddenQuadruplet> QuadrupletsOf(int group, SynthOptions options) =>
        !options.Occluders ? [] : OcclusionGroup(group) ? HiddenQuadruplets : [.. PlainQuadruplets, .. MotionQuadruplets];

    /// <summary>Videos a voe set of these options holds: the plausible clip, one per pairwise twin and three per quadruplet.</summary>
    public static int VoeVideoCount(SynthOptions options) =>
        Enumerable.Range(0, options.Groups).Sum(g => 1 + ViolationsOf(g, options).Count + 3 * QuadrupletsOf(g, options).Count);

    // With occluders, odd groups pass the object behind a screen; even groups are today's events in plain view (most as quadruplets).
    private static bool OcclusionGroup(int group) => group % 2 == 1;

    // Bright colours that stand out from the muted backgrounds, the brown floor and the grey wall.
    private static readonly (string Name, byte R, byte G, byte B)[] Palette =
    [
        ("red", 230, 40, 40), ("green", 40, 200, 60), ("blue", 40, 80, 235), ("yellow", 240, 220, 40),
        ("magenta", 220, 50, 220), ("cyan", 40, 220, 230),
    ];

    // Streams of SynthRandom.Mix: training scenes and voe starts never share a seed.
    private const ulong PhysicsStream = 2, VoeStream = 3, ScreenStream = 5, OcclusionStream = 6;

    /// <summary>The plausible scene of physics video <paramref name="index"/>: a pure function of (seed, index, options).</summary>
    public static PhysicsScene Describe(int seed, int index, SynthOptions options)
    {
        var scene = Scene(new SynthRandom(SynthRandom.Mix(seed, index, PhysicsStream)), index, options, towardWall: null);
        if (!options.Occluders)
            return scene;
        // 0, 1 or 2 screens of several widths, anywhere clear of the wall: the object passes behind them and comes out.
        var rng = new SynthRandom(SynthRandom.Mix(seed, index, ScreenStream));
        var screens = new List<PhysicsScreen>();
        int count = rng.Next(3);
        for (int attempt = 0; screens.Count < count && attempt < 100; attempt++)
        {
            var screen = new PhysicsScreen(rng.Range(0.1, 0.9), rng.Range(0.09, 0.17));
            if (Clear(screen, scene.WallX) && screens.All(o => Math.Abs(o.X - screen.X) > o.HalfWidth + screen.HalfWidth + 0.05))
                screens.Add(screen);
        }
        return scene with { Screens = screens };
    }

    /// <summary>
    /// The start of an occlusion group of the world with occluders: one screen on the object's path, so that
    /// the object is wholly hidden for a single run of frames that starts in the middle third of the clip, with
    /// at least three frames seen before it goes in and three after it comes out, and no bounce from two frames
    /// before it goes in to the frame it comes out (a bounce behind the screen would make the time of coming out a guess).
    /// <see cref="PhysicsScene.EventFrame"/> is its first hidden frame.
    /// </summary>
    public static PhysicsScene DescribeOcclusionGroup(int seed, int group, SynthOptions options)
    {
        int n = options.FrameCount, lo = Math.Max(3, n / 3), hi = Math.Max(lo, 2 * n / 3);
        PhysicsScene? fallback = null;
        for (int attempt = 0; attempt < 2000; attempt++)
        {
            var rng = new SynthRandom(SynthRandom.Mix(seed, group * 1000L + attempt, OcclusionStream));
            var scene = Scene(rng, group, options, towardWall: null);
            var free = scene.Trajectory();
            var contacts = scene.Contacts();
            int centre = lo + 1 + rng.Next(Math.Max(1, hi - lo));
            if (centre >= n) continue;
            var screen = new PhysicsScreen(free[centre].X, scene.Object.HalfWidth + rng.Range(0.02, 0.08));
            if (!Clear(screen, scene.WallX)) continue;
            var withScreen = scene with { Screens = [screen] };
            var hidden = Enumerable.Range(0, n).Where(f => withScreen.Hidden(free[f].X)).ToList();
            if (hidden.Count == 0 || hidden[^1] - hidden[0] + 1 != hidden.Count) continue;
            int first = hidden[0], last = hidden[^1];
            fallback ??= withScreen with { EventFrame = first };
            bool fits = first >= lo && first <= hi && last + 3 < n
                && Enumerable.Range(first - 2, last - first + 3).All(f => !contacts[f]);
            if (fits)
                return withScreen with { EventFrame = first };
        }
        // Very short clips may fit nothing: the last screen found that hides the object at all, else an empty one.
        return fallback ?? DescribeGroup(seed, group, options);
    }

    // A screen clear of the wall (the object would bounce behind it) and inside the frame.
    private static bool Clear(PhysicsScreen s, double wallX) =>
        Math.Abs(s.X - wallX) > s.HalfWidth + PhysicsScene.WallHalf + 0.02 && s.X - s.HalfWidth > 0 && s.X + s.HalfWidth < 1;

    /// <summary>
    /// The start of voe group <paramref name="group"/>: thrown toward the wall so that it touches it in
    /// the middle third of the clip where it can (where the through-wall event happens), plus the frame of the other
    /// events: in the middle third too, and mid-flight, with no bounce on the way into or out of it (a
    /// bounce is itself hard to foresee, and an event hidden in one tests nothing).
    /// </summary>
    public static PhysicsScene DescribeGroup(int seed, int group, SynthOptions options)
    {
        int lo = Math.Max(2, options.FrameCount / 3), hi = Math.Max(lo, 2 * options.FrameCount / 3);
        for (int attempt = 0; ; attempt++)
        {
            var rng = new SynthRandom(SynthRandom.Mix(seed, group * 1000L + attempt, VoeStream));
            var scene = Scene(rng, group, options, towardWall: true);
            int contact = scene.FirstWallContact();
            var contacts = scene.Contacts();
            var midFlight = Enumerable.Range(lo, hi - lo + 1)
                .Where(f => f + 1 < options.FrameCount && !contacts[f - 2] && !contacts[f - 1] && !contacts[f]).ToList();
            // A fast throw may reach the wall before the middle third from any start, and short clips may
            // fit nothing: after 500 tries the wall may be touched at any frame, after 1000 anything goes.
            bool wallFits = contact >= lo && contact <= hi || attempt >= 500 && contact >= 1;
            if (wallFits && midFlight.Count > 0)
                return scene with { EventFrame = midFlight[rng.Next(midFlight.Count)] };
            if (attempt >= 1000)
                return scene with { EventFrame = lo + rng.Next(hi - lo + 1) };
        }
    }

    /// <summary>Clip <paramref name="violation"/> of a group: the same start, broken from its event frame.</summary>
    public static PhysicsScene Variant(PhysicsScene start, PhysicsEvent violation, int seed, int group)
    {
        var rng = new SynthRandom(SynthRandom.Mix(seed, group, VoeStream + 1));
        var o = start.Object;
        return violation switch
        {
            PhysicsEvent.ThroughWall => start with { Event = violation, EventFrame = Math.Max(1, start.FirstWallContact()) },
            PhysicsEvent.Recolour => start with { Event = violation, Changed = Recoloured(o, rng) },
            PhysicsEvent.Reshape or PhysicsEvent.HiddenReshape => start with { Event = violation, Changed = o with { Shape = (SynthShape)(((int)o.Shape + 1 + rng.Next(2)) % 3) } },
            PhysicsEvent.HiddenRecolour => start with { Event = violation, Changed = Recoloured(o, rng) },
            PhysicsEvent.HiddenResize => start with { Event = violation, Changed = o with { Radius = 0.6 * o.Radius } },
            // Two or three frames early or late: the object comes out a visible step off.
            PhysicsEvent.ReappearEarly or PhysicsEvent.ReappearLate => start with { Event = violation, Shift = 2 + rng.Next(2) },
            // 0.15 to 0.25 frame sides up, or down where there is no room above.
            PhysicsEvent.ReappearPlace => start with { Event = violation, Shift = PlaceShift(start, rng.Range(0.15, 0.25)) },
            // Twice to three times as fast, or a third as fast.
            PhysicsEvent.ReappearSpeed => start with { Event = violation, Shift = rng.Next(2) == 0 ? rng.Range(2.0, 3.0) : 0.33 },
            _ => start with { Event = violation },
        };
    }

    private static double PlaceShift(PhysicsScene start, double by)
    {
        var y = start.Trajectory()[Math.Min(start.EventFrame, start.FrameCount - 1)].Y;
        return y - by >= start.Object.Top + 0.02 ? -by : by;
    }

    /// <summary>Writes <c>train/</c>, <c>val/</c> and <c>manifest.csv</c> (label = speed class) of plausible physics clips.</summary>
    public static SynthResult GeneratePhysics(string outDir, SynthOptions options, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var root = Path.GetFullPath(outDir);
        int total = options.TrainCount + options.ValCount;
        var rows = new List<string[]>();
        var jobs = new List<(Func<byte[]> Render, string Path)>();
        for (int i = 0; i < total; i++)
        {
            var scene = Describe(options.Seed, i, options);
            string split = i < options.TrainCount ? "train" : "val", name = $"{split}/physics_{i:D4}.mp4";
            jobs.Add((scene.Render, Path.Combine(root, name)));
            rows.Add([name, scene.Speed, split, scene.Object.Shape.ToString().ToLowerInvariant(), scene.Object.Colour, scene.Direction]);
        }
        Encode(jobs, options, ct);
        var manifest = Path.Combine(root, "manifest.csv");
        WriteCsv(manifest, ["path", "label", "split", "shape", "colour", "direction"], rows);
        return new SynthResult(root, manifest, options.TrainCount, options.ValCount, clock.Elapsed);
    }

    /// <summary>
    /// Writes <c>voe/g####_&lt;event&gt;.mp4</c> for <see cref="SynthOptions.Groups"/> groups and
    /// <c>pairs.csv</c> (<c>path,group,plausible</c>, ARCHITECTURE.md, plus <c>event</c>). Returns the path of pairs.csv.
    /// </summary>
    public static string GenerateVoe(string outDir, SynthOptions options, CancellationToken ct = default)
    {
        var root = Path.GetFullPath(outDir);
        var rows = new List<string[]>();
        var jobs = new List<(Func<byte[]> Render, string Path)>();
        int frameBytes = options.Size * options.Size * 3;
        for (int g = 0; g < options.Groups; g++)
        {
            string id = g.ToString(CultureInfo.InvariantCulture), plausibleName = $"voe/g{g:D4}_plausible.mp4";
            // An occlusion group is all quadruplets; a plain one its pairwise twins (and, with occluders, its quadruplets).
            var start = options.Occluders && OcclusionGroup(g) ? DescribeOcclusionGroup(options.Seed, g, options) : DescribeGroup(options.Seed, g, options);
            foreach (var e in new[] { PhysicsEvent.None }.Concat(ViolationsOf(g, options)))
            {
                string name = e == PhysicsEvent.None ? plausibleName : $"voe/g{g:D4}_{EventName(e)}.mp4";
                var scene = e == PhysicsEvent.None ? start : Variant(start, e, options.Seed, g);
                jobs.Add((scene.Render, Path.Combine(root, name)));
                if (e != PhysicsEvent.None || !(options.Occluders && OcclusionGroup(g)))
                    rows.Add([name, id, e == PhysicsEvent.None ? "1" : "0", EventName(e), "0"]);
            }
            // One balanced quadruplet per kind, each its own group sharing the plausible clip (IntPhys relative accuracy).
            foreach (var quad in QuadrupletsOf(g, options))
            {
                var (mirror, at) = MirrorAt(start, quad.Kind, options.Seed, g);
                string group = $"{id}_{quad.Kind}", mirrorName = $"voe/g{g:D4}_{quad.Kind}_{quad.MirrorName}.mp4";
                string impossible = $"voe/g{g:D4}_{quad.Impossible}.mp4", back = $"voe/g{g:D4}_{quad.ImpossibleBack}.mp4";
                jobs.Add((mirror.Render, Path.Combine(root, mirrorName)));
                jobs.Add((() => Splice(start.Render(), mirror.Render(), at, frameBytes), Path.Combine(root, impossible)));
                jobs.Add((() => Splice(mirror.Render(), start.Render(), at, frameBytes), Path.Combine(root, back)));
                rows.Add([plausibleName, group, "1", "none", "1"]);
                rows.Add([mirrorName, group, "1", "none", "1"]);
                rows.Add([impossible, group, "0", quad.Kind, "1"]);
                rows.Add([back, group, "0", quad.Kind, "1"]);
            }
        }
        Encode(jobs, options, ct, lossless: true);
        var pairs = Path.Combine(root, "pairs.csv");
        // balanced: 1 for a group scored as IntPhys does (summed surprise of its impossible clips against its possible ones).
        WriteCsv(pairs, options.Occluders ? ["path", "group", "plausible", "event", "balanced"] : ["path", "group", "plausible", "event"],
            options.Occluders ? rows : rows.Select(r => r[..4]));
        return pairs;
    }

    /// <summary>The name of an event in file names and the <c>event</c> column of pairs.csv: <c>none</c>, <c>vanish</c>, <c>throughwall</c>….</summary>
    public static string EventName(PhysicsEvent e) => e switch
    {
        PhysicsEvent.VanishBehind => "vanish_behind",
        PhysicsEvent.HiddenRecolour => "hidden_recolour",
        PhysicsEvent.HiddenReshape => "hidden_reshape",
        PhysicsEvent.HiddenResize => "hidden_resize",
        PhysicsEvent.ReappearEarly => "reappear_early",
        PhysicsEvent.ReappearLate => "reappear_late",
        PhysicsEvent.ReappearPlace => "reappear_place",
        PhysicsEvent.ReappearSpeed => "reappear_speed",
        _ => e.ToString().ToLowerInvariant(),
    };

    private static PhysicsScene Scene(SynthRandom rng, int index, SynthOptions options, bool? towardWall)
    {
        if (options.Size < 16 || options.Size % 2 != 0 || options.FrameCount < 2)
            throw new UsageException($"Physics clips need an even size of at least 16 and at least 2 frames (got size {options.Size}, {options.FrameCount} frames).");
        var (speedName, speedBase) = Speeds[index % Speeds.Count];
        double speed = speedBase * rng.Range(0.9, 1.1);
        double wallX = rng.Range(0.4, 0.6);
        var shape = (SynthShape)rng.Next(3);
        var colour = Palette[rng.Next(Palette.Length)];
        double radius = rng.Range(0.07, 0.1);
        var probe = new SynthObject(shape, colour.Name, colour.R, colour.G, colour.B, radius, 0, 0, 0, 0);
        bool left = rng.Next(2) == 0;
        double gap = PhysicsScene.WallHalf + probe.HalfWidth + 0.02;
        double x = left ? rng.Range(probe.HalfWidth, wallX - gap) : rng.Range(wallX + gap, 1 - probe.HalfWidth);
        bool toward = towardWall ?? rng.Next(2) == 0;
        double vx = (left == toward ? 1 : -1) * speed;
        double y = rng.Range(0.2, 0.6), vy = rng.Range(-0.8, 0.2);
        var o = probe with { X = x, Y = y, Vx = vx, Vy = vy };
        return new PhysicsScene(options.Size, options.Fps, options.FrameCount, SynthRandom.Mix(options.Seed, index, 7),
            wallX, o, speedName, vx > 0 ? "right" : "left", PhysicsEvent.None, options.FrameCount, o);
    }

    private static SynthObject Recoloured(SynthObject o, SynthRandom rng)
    {
        var others = Palette.Where(c => c.Name != o.Colour).ToArray();
        var c = others[rng.Next(others.Length)];
        return o with { Colour = c.Name, R = c.R, G = c.G, B = c.B };
    }

    private static void Encode(List<(Func<byte[]> Render, string Path)> jobs, SynthOptions options, CancellationToken ct, bool lossless = false)
    {
        foreach (var dir in jobs.Select(j => Path.GetDirectoryName(j.Path)!).Distinct())
            Directory.CreateDirectory(dir);
        // SynthEncoder reads only the size and frame rate of a spec.
        var spec = new SynthVideoSpec(0, "", "", options.Size, options.Fps, options.FrameCount, true, "", 0, "", 0, []);
        // Two workers with single-threaded ffmpeg each, as for the bouncing kind.
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            job =>
            {
                SynthEncoder.Encode(job.Render(), spec, job.Path, ct, lossless);
                options.VideoWritten?.Invoke();
            });
    }

    private static void WriteCsv(string path, string[] header, IEnumerable<string[]> rows)
    {
        using var csv = CsvWriter.Create(File.Create(path), CsvWriterOptions.Default with { NewLine = "\n" }, false);
        csv.WriteHeader(header);
        foreach (var r in rows) csv.WriteRecord(r);
    }
}
