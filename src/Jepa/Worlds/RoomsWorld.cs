namespace Jepa.Worlds;

/// <summary>
/// A controllable world for planning: two rooms side by side, split by a vertical wall with one door,
/// and an agent (a red disc) that an action moves. Units are frame sides (0..1, y down). An action
/// (ax, ay) in [-1, 1]² moves the agent by (ax, ay) × <see cref="MaxStep"/> in one frame; a wall stops it
/// where it touches (no sliding: a move into a wall, even at a slant, ends there, so only a path through
/// the door gets to the other room, and a policy that walks straight at a goal behind the wall stays stuck). The state is the agent's centre alone, so one frame shows all of it.
/// A library type the planner steps directly; <see cref="RoomsSet"/> records videos of it.
/// </summary>
public sealed class RoomsWorld
{
    /// <summary>Agent radius.</summary>
    public const double AgentRadius = 0.07;

    /// <summary>Largest move in one frame (|a| = 1 on one axis).</summary>
    public const double MaxStep = 0.12;

    /// <summary>Thickness of the outer walls; the floor is [Border, 1 − Border]².</summary>
    public const double Border = 0.05;

    /// <summary>Half the thickness of the wall between the rooms.</summary>
    public const double WallHalf = 0.025;

    /// <summary>Centre of the wall between the rooms.</summary>
    public const double WallX = 0.5;

    /// <summary>Centre of the door in the wall, and half its height: wide enough for the disc (0.12 &gt; 0.07).</summary>
    public const double DoorY = 0.5, DoorHalf = 0.12;

    // Sub-steps per frame: the disc never jumps over the wall (0.12 / 4 = 0.03 < wall + disc).
    private const int Substeps = 4;

    public RoomsWorld(double x, double y)
    {
        if (!IsFree(x, y))
            throw new ArgumentException($"({x:0.###}, {y:0.###}) is inside a wall");
        X = x;
        Y = y;
    }

    public double X { get; private set; }
    public double Y { get; private set; }

    /// <summary>Room of the agent: 0 left of the wall, 1 right of it.</summary>
    public int Room => RoomOf(X);

    /// <summary>Room of a point: 0 left of the wall's centre, 1 right of it.</summary>
    public static int RoomOf(double x) => x < WallX ? 0 : 1;

    /// <summary>
    /// Moves the agent by the action (clipped to [-1, 1] per axis) in <see cref="Substeps"/> sub-steps;
    /// the first sub-step that would enter a wall ends the move (walls stop the disc; it does not slide).
    /// </summary>
    public void Step(double ax, double ay)
    {
        double dx = Math.Clamp(ax, -1, 1) * MaxStep / Substeps, dy = Math.Clamp(ay, -1, 1) * MaxStep / Substeps;
        for (int s = 0; s < Substeps && IsFree(X + dx, Y + dy); s++)
        {
            X += dx;
            Y += dy;
        }
    }

    /// <summary>True when a disc of <see cref="AgentRadius"/> centred at (x, y) touches no wall.</summary>
    public static bool IsFree(double x, double y)
    {
        double r = AgentRadius;
        if (x < Border + r || x > 1 - Border - r || y < Border + r || y > 1 - Border - r)
            return false;
        // The dividing wall is two rectangles: above the door and below it.
        return !DiscTouchesBox(x, y, r, WallX - WallHalf, 0, WallX + WallHalf, DoorY - DoorHalf)
            && !DiscTouchesBox(x, y, r, WallX - WallHalf, DoorY + DoorHalf, WallX + WallHalf, 1);
    }

    /// <summary>True when pixel-space point (x, y) is wall (outer walls or the dividing wall outside the door).</summary>
    public static bool IsWall(double x, double y) =>
        x < Border || x > 1 - Border || y < Border || y > 1 - Border
        || (Math.Abs(x - WallX) <= WallHalf && (y < DoorY - DoorHalf || y > DoorY + DoorHalf));

    /// <summary>A free position drawn uniformly in room <paramref name="room"/> (0 or 1), away from the wall by the disc.</summary>
    internal static (double X, double Y) RandomFree(SynthRandom rng, int room)
    {
        double lo = Border + AgentRadius, hi = 1 - Border - AgentRadius;
        double xLo = room == 0 ? lo : WallX + WallHalf + AgentRadius, xHi = room == 0 ? WallX - WallHalf - AgentRadius : hi;
        while (true)
        {
            var p = (rng.Range(xLo, xHi), rng.Range(lo, hi));
            if (IsFree(p.Item1, p.Item2)) return p;
        }
    }

    private static bool DiscTouchesBox(double x, double y, double r, double x0, double y0, double x1, double y1)
    {
        double cx = Math.Clamp(x, x0, x1), cy = Math.Clamp(y, y0, y1);
        return (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
    }
}
