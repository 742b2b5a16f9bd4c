namespace Jepa.Worlds;

/// <summary>Shapes of synthetic objects.</summary>
public enum SynthShape
{
    /// <summary>A disc of the object's radius.</summary>
    Circle,

    /// <summary>An axis-aligned square, half-side 0.85 × radius.</summary>
    Square,

    /// <summary>An equilateral triangle pointing up, circumradius = radius.</summary>
    Triangle,
}

/// <summary>
/// One object at the first frame. Units are frame sides (0..1, y down) and frame sides per second,
/// so a scene looks the same at any size and frame rate.
/// </summary>
public sealed record SynthObject(
    SynthShape Shape, string Colour, byte R, byte G, byte B, double Radius, double X, double Y, double Vx, double Vy)
{
    /// <summary>Distance from the centre to the left/right edges of the shape (frame sides).</summary>
    public double HalfWidth => Shape switch
    {
        SynthShape.Square => 0.85 * Radius,
        SynthShape.Triangle => Radius * Math.Sqrt(3) / 2,
        _ => Radius,
    };

    /// <summary>Distance from the centre up to the top of the shape.</summary>
    public double Top => Shape == SynthShape.Square ? 0.85 * Radius : Radius;

    /// <summary>Distance from the centre down to the bottom of the shape (a triangle's base is at R/2).</summary>
    public double Bottom => Shape switch
    {
        SynthShape.Square => 0.85 * Radius,
        SynthShape.Triangle => Radius / 2,
        _ => Radius,
    };
}

/// <summary>
/// Everything needed to render one synthetic video, derived from (seed, index, options) by
/// <see cref="SynthBouncing.Describe"/>. Rendering it is deterministic.
/// </summary>
/// <param name="Index">Position in the whole set (train first, then val).</param>
/// <param name="Split"><c>train</c> or <c>val</c>.</param>
/// <param name="Name">File name without folder, e.g. <c>bouncing_0007.mp4</c>.</param>
/// <param name="Size">Frame side in pixels.</param>
/// <param name="Fps">Frames per second.</param>
/// <param name="FrameCount">Frames to render.</param>
/// <param name="Gravity">Whether objects fall and lose speed on the floor.</param>
/// <param name="Speed">Speed class: <c>slow</c>, <c>medium</c> or <c>fast</c>.</param>
/// <param name="SpeedValue">Initial speed of every object in frame sides per second.</param>
/// <param name="Direction">Compass direction of the first object at the start (<c>n</c>, <c>ne</c>, …).</param>
/// <param name="BackgroundSeed">Seed of the static background texture.</param>
/// <param name="Objects">Objects in drawing order (later ones cover earlier ones).</param>
public sealed record SynthVideoSpec(
    int Index, string Split, string Name, int Size, double Fps, int FrameCount, bool Gravity,
    string Speed, double SpeedValue, string Direction, ulong BackgroundSeed, IReadOnlyList<SynthObject> Objects);
