namespace Jepa.Worlds;

/// <summary>What happens to the object of a physics clip from the event frame on.</summary>
public enum PhysicsEvent
{
    /// <summary>Nothing: the clip follows the physics of the scene.</summary>
    None,

    /// <summary>The object is no longer drawn.</summary>
    Vanish,

    /// <summary>The object jumps to the mirror position on the other side of the wall and flies on.</summary>
    Teleport,

    /// <summary>The wall does not stop the object: it passes through (the event is the first contact).</summary>
    ThroughWall,

    /// <summary>Gravity points up.</summary>
    Antigravity,

    /// <summary>The object takes another colour.</summary>
    Recolour,

    /// <summary>The object takes another shape.</summary>
    Reshape,
}

/// <summary>
/// A scene of the physics world: a textured background, a floor, a full-height wall, and one object
/// thrown under gravity that bounces off the floor (losing speed), the ceiling, the frame's sides and
/// the wall. <see cref="Event"/> breaks the physics from <see cref="EventFrame"/> on; everything before
/// it is the same as the plausible clip of the same start.
/// </summary>
/// <param name="Size">Frame side in pixels.</param>
/// <param name="Fps">Frames per second.</param>
/// <param name="FrameCount">Frames to render.</param>
/// <param name="BackgroundSeed">Seed of the static background texture.</param>
/// <param name="WallX">Centre of the wall, in frame sides.</param>
/// <param name="Object">The object at frame 0 (position, velocity, look).</param>
/// <param name="Speed">Horizontal speed class of the throw: <c>slow</c>, <c>medium</c> or <c>fast</c>.</param>
/// <param name="Direction">Horizontal direction of the throw: <c>left</c> or <c>right</c>.</param>
/// <param name="Event">What breaks the physics, or <see cref="PhysicsEvent.None"/>.</param>
/// <param name="EventFrame">First frame that differs from the plausible clip.</param>
/// <param name="Changed">The object's look after a recolour or reshape (same as <paramref name="Object"/> otherwise).</param>
public sealed record PhysicsScene(
    int Size, double Fps, int FrameCount, ulong BackgroundSeed, double WallX, SynthObject Object,
    string Speed, string Direction, PhysicsEvent Event, int EventFrame, SynthObject Changed)
{
    /// <summary>Top of the floor band, in frame sides from the top.</summary>
    public const double FloorY = 0.86;

    /// <summary>Half the wall's thickness, in frame sides.</summary>
    public const double WallHalf = 0.03;

    /// <summary>Downward acceleration in frame sides per s².</summary>
    public const double Gravity = 1.5;

    /// <summary>Share of the vertical speed kept by a floor bounce.</summary>
    public const double FloorRestitution = 0.85;

    // Physics substeps per frame: bounces stay accurate at 8 fps.
    private const int Substeps = 8;

    /// <summary>Centre of the object and whether it is drawn, for every frame.</summary>
    public (double X, double Y, bool Visible)[] Trajectory() => Simulate().Path;

    /// <summary>
    /// For every frame f, whether the object hits something (floor, ceiling, a side, the wall) on its
    /// way from frame f to frame f + 1: where its motion is not a smooth throw.
    /// </summary>
    public bool[] Contacts() => Simulate().Contacts;

    private ((double X, double Y, bool Visible)[] Path, bool[] Contacts) Simulate()
    {
        var result = new (double, double, bool)[FrameCount];
        var contacts = new bool[FrameCount];
        double x = Object.X, y = Object.Y, vx = Object.Vx, vy = Object.Vy;
        double dt = 1.0 / Fps / Substeps;
        bool wallBroken = false;
        for (int f = 0; f < FrameCount; f++)
        {
            bool after = Event != PhysicsEvent.None && f >= EventFrame;
            if (Event == PhysicsEvent.Teleport && f == EventFrame)
                x = Math.Clamp(2 * WallX - x, Object.HalfWidth, 1 - Object.HalfWidth);
            result[f] = (x, y, !(after && Event == PhysicsEvent.Vanish));
            double g = after && Event == PhysicsEvent.Antigravity ? -Gravity : Gravity;
            for (int s = 0; s < Substeps; s++)
            {
                vy += g * dt;
                double nx = x + vx * dt;
                y += vy * dt;
                bool crossing = Math.Abs(nx - WallX) < WallHalf + Object.HalfWidth && Math.Abs(x - WallX) >= WallHalf + Object.HalfWidth;
                if (crossing && Event == PhysicsEvent.ThroughWall)
                    wallBroken = true; // From the first contact on, the wall is no obstacle.
                if (crossing && !wallBroken)
                {
                    // Elastic reflection off the face the object was approaching.
                    double face = x < WallX ? WallX - WallHalf - Object.HalfWidth : WallX + WallHalf + Object.HalfWidth;
                    nx = 2 * face - nx;
                    vx = -vx;
                    contacts[f] = true;
                }
                x = nx;
                if (x < Object.HalfWidth) { x = 2 * Object.HalfWidth - x; vx = Math.Abs(vx); contacts[f] = true; }
                if (x > 1 - Object.HalfWidth) { x = 2 * (1 - Object.HalfWidth) - x; vx = -Math.Abs(vx); contacts[f] = true; }
                if (y < Object.Top) { y = 2 * Object.Top - y; vy = Math.Abs(vy); contacts[f] = true; }
                double floor = FloorY - Object.Bottom;
                if (y > floor) { y = 2 * floor - y; vy = -Math.Abs(vy) * FloorRestitution; contacts[f] = true; }
            }
        }
        return (result, contacts);
    }

    /// <summary>The first frame at which the object touches the wall when the wall is solid, or -1.</summary>
    public int FirstWallContact()
    {
        var plausible = this with { Event = PhysicsEvent.ThroughWall, EventFrame = FrameCount };
        var path = plausible.Trajectory();
        for (int f = 0; f < path.Length; f++)
            if (Math.Abs(path[f].X - WallX) < WallHalf + Object.HalfWidth)
                return f;
        return -1;
    }

    /// <summary>[FrameCount, Size, Size, 3] uint8 row-major: background, floor, wall, then the object.</summary>
    public byte[] Render()
    {
        int frameBytes = Size * Size * 3;
        var scenery = SynthRenderer.Background(Size, BackgroundSeed);
        DrawScenery(scenery);
        var frames = new byte[FrameCount * frameBytes];
        var path = Trajectory();
        for (int f = 0; f < FrameCount; f++)
        {
            var frame = frames.AsSpan(f * frameBytes, frameBytes);
            scenery.CopyTo(frame);
            if (!path[f].Visible) continue;
            bool changed = Event is PhysicsEvent.Recolour or PhysicsEvent.Reshape && f >= EventFrame;
            SynthRenderer.Draw(frame, Size, changed ? Changed : Object, path[f].X, path[f].Y);
        }
        return frames;
    }

    // A dark floor band and a grey wall: fixed colours, so "floor" and "wall" look the same in every scene.
    private void DrawScenery(byte[] pixels)
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double u = (x + 0.5) / Size, v = (y + 0.5) / Size;
                (byte R, byte G, byte B)? c = v >= FloorY ? (60, 45, 35) : Math.Abs(u - WallX) <= WallHalf ? (150, 150, 160) : null;
                if (c is not { } rgb) continue;
                int k = (y * Size + x) * 3;
                pixels[k] = rgb.R;
                pixels[k + 1] = rgb.G;
                pixels[k + 2] = rgb.B;
            }
    }
}
