using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Jepa.Config;

namespace Jepa.Worlds;

/// <summary>
/// Labelled synthetic videos of bouncing objects, for the quick start and for tests: each video has
/// a speed class (the label), a direction of travel, and 1..MaxObjects coloured shapes on a textured
/// background. Rendered in C#, encoded to H.264 by ffmpeg.
/// </summary>
public static class SynthBouncing
{
    /// <summary>Speed classes and their speeds in frame sides per second (0.04/0.08/0.14 per frame at 8 fps).</summary>
    public static readonly IReadOnlyList<(string Name, double SidesPerSecond)> Speeds =
        [("slow", 0.32), ("medium", 0.64), ("fast", 1.12)];

    /// <summary>Compass directions, clockwise from north (up).</summary>
    public static readonly IReadOnlyList<string> Directions = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];

    private static readonly (string Name, byte R, byte G, byte B)[] Palette =
    [
        ("red", 230, 40, 40), ("green", 40, 200, 60), ("blue", 40, 80, 235), ("yellow", 240, 220, 40),
        ("magenta", 220, 50, 220), ("cyan", 40, 220, 230), ("orange", 250, 140, 20), ("white", 245, 245, 245),
    ];

    /// <summary>Column names of <c>manifest.csv</c>, in order.</summary>
    public static readonly IReadOnlyList<string> ManifestColumns =
        ["path", "label", "split", "shape", "colour", "direction", "speed", "objects"];

    /// <summary>
    /// The scene of video <paramref name="index"/> (train videos first, then val): a pure function of
    /// (seed, index, options). Speed class and direction cycle with the index, so every class is
    /// equally represented in both splits.
    /// </summary>
    public static SynthVideoSpec Describe(int seed, int index, SynthOptions options)
    {
        Validate(options);
        var rng = new SynthRandom(SynthRandom.Mix(seed, index));
        var (speedName, speedBase) = Speeds[index % Speeds.Count];
        // ±10% within a class keeps classes apart (slow ≤ 0.35 < 0.58 ≤ medium ≤ 0.70 < 1.0 ≤ fast).
        double speed = Math.Round(speedBase * rng.Range(0.9, 1.1), 4);
        int dirIndex = index / Speeds.Count % Directions.Count;

        int count = 1 + rng.Next(options.MaxObjects);
        var colours = Palette.OrderBy(_ => rng.NextUInt64()).Take(count).ToArray();
        var objects = new List<SynthObject>(count);
        for (int i = 0; i < count; i++)
        {
            var shape = (SynthShape)rng.Next(3);
            double radius = rng.Range(0.10, 0.16);
            // The first object travels in the labelled direction; the others in any direction.
            double angle = i == 0 ? dirIndex * Math.PI / 4 : rng.Range(0, 2 * Math.PI);
            double vx = speed * Math.Sin(angle), vy = -speed * Math.Cos(angle);
            var (x, y) = Place(rng, radius, objects);
            var c = colours[i];
            objects.Add(new SynthObject(shape, c.Name, c.R, c.G, c.B, radius, x, y, vx, vy));
        }
        string split = index < options.TrainCount ? "train" : "val";
        return new SynthVideoSpec(index, split, $"bouncing_{index:D4}.mp4", options.Size, options.Fps,
            options.FrameCount, options.Gravity, speedName, speed, Directions[dirIndex],
            SynthRandom.Mix(seed, index, stream: 1), objects);
    }

    /// <summary>The raw frames of a scene, [FrameCount, Size, Size, 3] uint8 row-major; no ffmpeg involved.</summary>
    public static byte[] RenderFrames(SynthVideoSpec spec) => SynthRenderer.Render(spec);

    /// <summary>
    /// Renders and encodes <c>outDir/train/*.mp4</c>, <c>outDir/val/*.mp4</c> and writes
    /// <c>outDir/manifest.csv</c> (paths relative to outDir, label = speed class). Two videos are
    /// rendered and encoded at a time.
    /// </summary>
    public static SynthResult Generate(string outDir, SynthOptions options, CancellationToken ct = default)
    {
        Validate(options);
        var clock = Stopwatch.StartNew();
        var root = Path.GetFullPath(outDir);
        Directory.CreateDirectory(Path.Combine(root, "train"));
        Directory.CreateDirectory(Path.Combine(root, "val"));
        int total = options.TrainCount + options.ValCount;
        var specs = Enumerable.Range(0, total).Select(i => Describe(options.Seed, i, options)).ToArray();

        // Two workers: each ffmpeg runs single-threaded, and the machines this targets have 2+ cores.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct };
        Parallel.For(0, total, parallel, i =>
        {
            SynthEncoder.Encode(RenderFrames(specs[i]), specs[i], Path.Combine(root, specs[i].Split, specs[i].Name), ct);
            options.VideoWritten?.Invoke();
        });

        var manifest = Path.Combine(root, "manifest.csv");
        WriteManifest(manifest, specs);
        return new SynthResult(root, manifest, options.TrainCount, options.ValCount, clock.Elapsed);
    }

    private static void WriteManifest(string path, IEnumerable<SynthVideoSpec> specs)
    {
        using var csv = CsvWriter.Create(File.Create(path), CsvWriterOptions.Default with { NewLine = "\n" }, false);
        csv.WriteHeader(ManifestColumns.ToArray());
        foreach (var s in specs)
            csv.WriteRecord(
            [
                $"{s.Split}/{s.Name}", s.Speed, s.Split, s.Objects[0].Shape.ToString().ToLowerInvariant(),
                s.Objects[0].Colour, s.Direction, s.SpeedValue.ToString(CultureInfo.InvariantCulture),
                s.Objects.Count.ToString(CultureInfo.InvariantCulture),
            ]);
    }

    // Random position inside the walls, away from the objects placed so far when possible.
    private static (double X, double Y) Place(SynthRandom rng, double radius, List<SynthObject> placed)
    {
        (double X, double Y) p = default;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            p = (rng.Range(radius, 1 - radius), rng.Range(radius, 1 - radius));
            if (placed.All(o => Math.Pow(o.X - p.X, 2) + Math.Pow(o.Y - p.Y, 2) > Math.Pow(o.Radius + radius, 2)))
                break;
        }
        return p;
    }

    private static void Validate(SynthOptions o)
    {
        if (o.TrainCount < 0 || o.ValCount < 0 || o.TrainCount + o.ValCount == 0)
            throw new UsageException("Synthetic video counts must be non-negative with at least one video; set train_count/val_count.");
        if (o.Size < 16 || o.Size % 2 != 0)
            throw new UsageException($"Synthetic video size {o.Size} must be even and at least 16 (H.264 in yuv420p needs even sides).");
        if (o.Fps <= 0 || o.Seconds <= 0 || o.FrameCount < 1)
            throw new UsageException($"Synthetic videos need fps > 0 and seconds > 0 giving at least one frame (got fps {o.Fps}, seconds {o.Seconds}).");
        if (o.MaxObjects < 1 || o.MaxObjects > Palette.Length)
            throw new UsageException($"Synthetic max objects {o.MaxObjects} must be between 1 and {Palette.Length}.");
    }
}
