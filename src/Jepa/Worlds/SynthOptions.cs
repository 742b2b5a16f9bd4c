namespace Jepa.Worlds;

/// <summary>What <see cref="SynthBouncing.Generate"/> renders: how many videos, how long, how large.</summary>
public sealed record SynthOptions
{
    /// <summary>Videos written to <c>train/</c>. 192: with 48 the quickstart model memorised the videos (level-2 ratio 0.96 on held-out clips against 0.79).</summary>
    public int TrainCount { get; init; } = 192;

    /// <summary>Videos written to <c>val/</c>.</summary>
    public int ValCount { get; init; } = 16;

    /// <summary>Length of each video in seconds.</summary>
    public double Seconds { get; init; } = 4;

    /// <summary>Frame rate; speeds are fixed in frame sides per second, so they do not change with it.</summary>
    public double Fps { get; init; } = 8;

    /// <summary>Side of the square frames in pixels (even: H.264 in yuv420p needs it).</summary>
    public int Size { get; init; } = 96;

    /// <summary>Everything random (scenes, objects, motion) is a pure function of this seed and the video index.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Constant downward acceleration, with bounces off the floor losing 10% of the speed.</summary>
    public bool Gravity { get; init; } = false;

    /// <summary>Each video has 1..MaxObjects objects.</summary>
    public int MaxObjects { get; init; } = 2;

    /// <summary>
    /// Physics and voe: the world with occluders. Training clips get 0 to 2 screens the object passes behind;
    /// a voe set alternates today's groups (plus motion changes in plain view) with groups whose object
    /// passes behind a screen (and the events hidden there). False keeps the world and sets of before.
    /// </summary>
    public bool Occluders { get; init; } = false;

    /// <summary>Groups of clips sharing a start in a violation-of-expectation set (kind voe).</summary>
    public int Groups { get; init; } = 32;

    /// <summary>Frames per video: Seconds × Fps, rounded.</summary>
    /// <summary>Called once per video written (from any worker thread): for a progress bar.</summary>
    public Action? VideoWritten { get; init; }

    public int FrameCount => (int)Math.Round(Seconds * Fps);
}

/// <summary>What <see cref="SynthBouncing.Generate"/> wrote.</summary>
/// <param name="OutDir">Absolute output folder.</param>
/// <param name="ManifestPath">Absolute path of <c>manifest.csv</c>.</param>
/// <param name="TrainCount">Videos in <c>train/</c>.</param>
/// <param name="ValCount">Videos in <c>val/</c>.</param>
/// <param name="Elapsed">Wall time of rendering and encoding.</param>
public sealed record SynthResult(string OutDir, string ManifestPath, int TrainCount, int ValCount, TimeSpan Elapsed);
