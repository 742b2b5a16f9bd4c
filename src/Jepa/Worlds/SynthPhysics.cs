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

    /// <summary>The object goes behind a screen and never comes out (event: its first hidden frame).</summary>
    VanishBehind,

    /// <summary>The object comes out from behind the screen in another colour (changed at its first hidden frame).</summary>
    HiddenRecolour,

    /// <summary>The object comes out from behind the screen in another shape.</summary>
    HiddenReshape,

    /// <summary>The object comes out from behind the screen smaller (0.6 of its radius).</summary>
    HiddenResize,

    /// <summary>Behind the screen the object skips <see cref="PhysicsScene.Shift"/> frames of its path: it comes out too early.</summary>
    ReappearEarly,

    /// <summary>Behind the screen the object stops for <see cref="PhysicsScene.Shift"/> frames: it comes out too late.</summary>
    ReappearLate,

    /// <summary>Behind the screen the object moves up or down by <see cref="PhysicsScene.Shift"/> frame sides: it comes out at the wrong place.</summary>
    ReappearPlace,

    /// <summary>Behind the screen the horizontal speed is multiplied by <see cref="PhysicsScene.Shift"/>: it comes out at the wrong speed.</summary>
    ReappearSpeed,

    /// <summary>
    /// In plain view, mid-flight, the velocity drops to a quarter with nothing to cause it. The voe sets write no such
    /// twin now: the slowdown quadruplet's impossible clip moves on as it does (SynthPhysicsSet.MotionQuadruplets).
    /// </summary>
    Slowdown,

    /// <summary>In plain view, mid-flight, the velocity grows 2.5 times (no voe set writes it: the slowdown quadruplet's second impossible clip speeds up fourfold).</summary>
    Speedup,

    /// <summary>In plain view, mid-flight, the velocity turns back with nothing to hit (as the reversal quadruplet's impossible clips do where they can).</summary>
    Reversal,

    /// <summary>In plain view, mid-flight, the object stops and stays in the air (no voe set writes it: the stop quadruplet's object loses its horizontal motion and falls).</summary>
    Stop,
}

/// <summary>
/// A screen in front of the scene: a full-height band from the top of the frame to the floor, drawn over
/// the object. The object moves on behind it as physics says; it is hidden while it is wholly behind it.
/// </summary>
/// <param name="X">Centre, in frame sides.</param>
/// <param name="HalfWidth">Half the width, in frame sides.</param>
public sealed record PhysicsScreen(double X, double HalfWidth)
{
    /// <summary>Whether an object centred at <paramref name="x"/> with half-width <paramref name="halfWidth"/> lies wholly behind the screen.</summary>
    public bool Hides(double x, double halfWidth) => x - halfWidth >= X - HalfWidth && x + halfWidth <= X + HalfWidth;
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
/// <param name="Changed">The object's look after a recolour, reshape or resize (same as <paramref name="Object"/> otherwise).</param>
/// <param name="Screens">Screens drawn over the object (none in the world without occluders).</param>
/// <param name="Shift">Size of a reappearance event: frames early or late, frame sides up (negative) or down, or a speed factor.</param>
public sealed record PhysicsScene(
    int Size, double Fps, int FrameCount, ulong BackgroundSeed, double WallX, SynthObject Object,
    string Speed, string Direction, PhysicsEvent Event, int EventFrame, SynthObject Changed,
    IReadOnlyList<PhysicsScreen>? Screens = null, double Shift = 0)
{
    /// <summary>The screens, empty when there are none.</summary>
    public IReadOnlyList<PhysicsScreen> ScreenList => Screens ?? [];

    /// <summary>Whether the object at this centre is wholly behind one of the screens.</summary>
    public bool Hidden(double x) => ScreenList.Any(s => s.Hides(x, Object.HalfWidth));

    /// <summary>The events that change the object's look from <see cref="EventFrame"/> on.</summary>
    public bool ChangesLook => Event is PhysicsEvent.Recolour or PhysicsEvent.Reshape or PhysicsEvent.HiddenRecolour or PhysicsEvent.HiddenReshape or PhysicsEvent.HiddenResize;

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
    /// The object as the plausible physics of this scene has it after <paramref name="frames"/> frames: position
    /// and velocity (the start of a clip that shows this one's path from that frame on).
    /// </summary>
    public SynthObject StateAt(int frames)
    {
        double x = Object.X, y = Object.Y, vx = Object.Vx, vy = Object.Vy;
        bool wallBroken = false;
        var plausible = this with { Event = PhysicsEvent.None };
        for (int f = 0; f < frames; f++)
            plausible.Step(ref x, ref y, ref vx, ref vy, Gravity, 1.0 / Fps / Substeps, ref wallBroken, out _);
        return Object with { X = x, Y = y, Vx = vx, Vy = vy };
    }

    /// <summary>
    /// The object <paramref name="frames"/> frames before it is at <paramref name="at"/> (position and velocity),
    /// by the physics' step undone substep by substep, bounces included (off the floor it came down faster than it left).
    /// Null where the trace leaves the scene. The caller checks by running the scene forward from the result: rounding
    /// aside, it arrives at <paramref name="at"/>.
    /// </summary>
    public SynthObject? Before(SynthObject at, int frames)
    {
        double x = at.X, y = at.Y, vx = at.Vx, vy = at.Vy, dt = 1.0 / Fps / Substeps;
        double reach = WallHalf + at.HalfWidth, floor = FloorY - at.Bottom;
        for (int s = 0; s < frames * Substeps; s++)
        {
            // The step is vy += g dt, then x += vx dt and y += vy dt with reflections: undone in the other order,
            // where undoing a reflection is the same reflection.
            double px = x - vx * dt;
            if (Math.Abs(px - WallX) < reach && Math.Abs(x - WallX) >= reach)
            {
                double face = x < WallX ? WallX - reach : WallX + reach;
                px = 2 * face - px;
                vx = -vx;
            }
            if (px < at.HalfWidth) { px = 2 * at.HalfWidth - px; vx = -vx; }
            if (px > 1 - at.HalfWidth) { px = 2 * (1 - at.HalfWidth) - px; vx = -vx; }
            x = px;
            double py = y - vy * dt;
            if (py < at.Top) { py = 2 * at.Top - py; vy = -vy; }
            if (py > floor)
            {
                // A floor bounce: it left the floor with FloorRestitution of the speed it came down with.
                vy = -vy / FloorRestitution;
                py = 2 * floor - y - vy * dt;
                if (py > floor) return null;
            }
            y = py;
            vy -= Gravity * dt;
        }
        return at with { X = x, Y = y, Vx = vx, Vy = vy };
    }

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
            if (f == EventFrame)
            {
                // Events that change the state once, at their frame; the physics goes on from there.
                switch (Event)
                {
                    case PhysicsEvent.Teleport: x = Math.Clamp(2 * WallX - x, Object.HalfWidth, 1 - Object.HalfWidth); break;
                    case PhysicsEvent.ReappearPlace: y = Math.Clamp(y + Shift, Object.Top, FloorY - Object.Bottom); break;
                    case PhysicsEvent.ReappearSpeed: vx *= Shift; break;
                    case PhysicsEvent.Slowdown: vx *= 0.25; vy *= 0.25; break;
                    case PhysicsEvent.Speedup: vx *= 2.5; vy *= 2.5; break;
                    case PhysicsEvent.Reversal: vx = -vx; vy = -vy; break;
                    case PhysicsEvent.ReappearEarly:
                        for (int k = 0; k < (int)Shift; k++)
                            Step(ref x, ref y, ref vx, ref vy, Gravity, dt, ref wallBroken, out _);
                        break;
                }
            }
            bool vanished = after && Event is PhysicsEvent.Vanish or PhysicsEvent.VanishBehind;
            result[f] = (x, y, !vanished);
            // A stopped object stays where it is; a late one waits behind the screen for Shift frames.
            if (after && Event == PhysicsEvent.Stop || Event == PhysicsEvent.ReappearLate && f >= EventFrame && f < EventFrame + (int)Shift)
                continue;
            double g = after && Event == PhysicsEvent.Antigravity ? -Gravity : Gravity;
            Step(ref x, ref y, ref vx, ref vy, g, dt, ref wallBroken, out contacts[f]);
        }
        return (result, contacts);
    }

    // One frame of physics in Substeps substeps; contact: whether the object hit something on the way.
    private void Step(ref double x, ref double y, ref double vx, ref double vy, double g, double dt, ref bool wallBroken, out bool contact)
    {
        contact = false;
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
                contact = true;
            }
            x = nx;
            if (x < Object.HalfWidth) { x = 2 * Object.HalfWidth - x; vx = Math.Abs(vx); contact = true; }
            if (x > 1 - Object.HalfWidth) { x = 2 * (1 - Object.HalfWidth) - x; vx = -Math.Abs(vx); contact = true; }
            if (y < Object.Top) { y = 2 * Object.Top - y; vy = Math.Abs(vy); contact = true; }
            double floor = FloorY - Object.Bottom;
            if (y > floor) { y = 2 * floor - y; vy = -Math.Abs(vy) * FloorRestitution; contact = true; }
        }
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
            SynthRenderer.Draw(frame, Size, ChangesLook && f >= EventFrame ? Changed : Object, path[f].X, path[f].Y);
        }
        if (ScreenList.Count > 0)
        {
            var screens = new byte[frameBytes];
            var drawn = DrawScreens(screens);
            for (int f = 0; f < FrameCount; f++)
                foreach (int k in drawn)
                    frames[f * frameBytes + k] = screens[k];
        }
        return frames;
    }

    /// <summary>The pixel columns the screens cover: those whose centre lies within a screen.</summary>
    public bool CoversColumn(int column) => ScreenList.Any(s => Math.Abs((column + 0.5) / Size - s.X) <= s.HalfWidth);

    // Light beige screens with a darker 1-pixel rim, from the top to the floor: unlike the grey wall and any background.
    private List<int> DrawScreens(byte[] pixels)
    {
        var drawn = new List<int>();
        for (int y = 0; y < Size; y++)
        {
            if ((y + 0.5) / Size >= FloorY) break;
            for (int x = 0; x < Size; x++)
            {
                if (!CoversColumn(x)) continue;
                bool rim = !CoversColumn(x - 1) || !CoversColumn(x + 1);
                (byte R, byte G, byte B) c = rim ? ((byte)120, (byte)105, (byte)80) : ((byte)215, (byte)200, (byte)165);
                int k = (y * Size + x) * 3;
                pixels[k] = c.R;
                pixels[k + 1] = c.G;
                pixels[k + 2] = c.B;
                drawn.Add(k);
                drawn.Add(k + 1);
                drawn.Add(k + 2);
            }
        }
        return drawn;
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
