namespace Jepa.Worlds;

/// <summary>
/// Draws the rooms world: each room's floor its own colour (so a frame tells which room the agent is
/// in), dark walls, and the agent as an anti-aliased red disc (coverage from 4×4 sub-samples, so a
/// small move changes the pixels, and the embedding, smoothly).
/// </summary>
public static class RoomsRenderer
{
    private static readonly byte[] Floor0 = [205, 190, 150], Floor1 = [150, 185, 210], Wall = [55, 55, 65], Agent = [225, 35, 35];

    /// <summary>The frame without the agent, [size, size, 3] uint8.</summary>
    public static byte[] Background(int size)
    {
        var frame = new byte[size * size * 3];
        for (int py = 0; py < size; py++)
            for (int px = 0; px < size; px++)
            {
                double x = (px + 0.5) / size, y = (py + 0.5) / size;
                var c = RoomsWorld.IsWall(x, y) ? Wall : RoomsWorld.RoomOf(x) == 0 ? Floor0 : Floor1;
                c.CopyTo(frame.AsSpan((py * size + px) * 3, 3));
            }
        return frame;
    }

    /// <summary>Writes one frame with the agent at (x, y) into <paramref name="frame"/> ([size, size, 3]).</summary>
    public static void Draw(Span<byte> frame, ReadOnlySpan<byte> background, int size, double x, double y)
    {
        background.CopyTo(frame);
        double r = RoomsWorld.AgentRadius;
        int x0 = Math.Max(0, (int)Math.Floor((x - r) * size)), x1 = Math.Min(size - 1, (int)Math.Ceiling((x + r) * size));
        int y0 = Math.Max(0, (int)Math.Floor((y - r) * size)), y1 = Math.Min(size - 1, (int)Math.Ceiling((y + r) * size));
        const int sub = 4;
        for (int py = y0; py <= y1; py++)
            for (int px = x0; px <= x1; px++)
            {
                int inside = 0;
                for (int sy = 0; sy < sub; sy++)
                    for (int sx = 0; sx < sub; sx++)
                    {
                        double u = (px + (sx + 0.5) / sub) / size - x, v = (py + (sy + 0.5) / sub) / size - y;
                        if (u * u + v * v <= r * r) inside++;
                    }
                if (inside == 0) continue;
                double a = inside / (double)(sub * sub);
                int o = (py * size + px) * 3;
                for (int c = 0; c < 3; c++)
                    frame[o + c] = (byte)Math.Round(frame[o + c] * (1 - a) + Agent[c] * a);
            }
    }

    /// <summary>Marks a goal in a background for people (a green ring; the planner's goal frame is a plain frame).</summary>
    public static void Mark(Span<byte> background, int size, double x, double y)
    {
        double r = RoomsWorld.AgentRadius;
        for (int py = 0; py < size; py++)
            for (int px = 0; px < size; px++)
            {
                double u = (px + 0.5) / size - x, v = (py + 0.5) / size - y, d = Math.Sqrt(u * u + v * v);
                if (Math.Abs(d - r) > 0.6 / size + 0.01) continue;
                int o = (py * size + px) * 3;
                background[o] = 30;
                background[o + 1] = 170;
                background[o + 2] = 60;
            }
    }

    /// <summary>Marks a point of a path for people: a dark-red dot (a quarter of the agent's radius, at least one pixel).</summary>
    public static void Dot(Span<byte> background, int size, double x, double y)
    {
        double r = Math.Max(RoomsWorld.AgentRadius / 4, 0.6 / size);
        for (int py = Math.Max(0, (int)((y - r) * size)); py <= Math.Min(size - 1, (int)((y + r) * size)); py++)
            for (int px = Math.Max(0, (int)((x - r) * size)); px <= Math.Min(size - 1, (int)((x + r) * size)); px++)
            {
                double u = (px + 0.5) / size - x, v = (py + 0.5) / size - y;
                if (u * u + v * v > r * r) continue;
                int o = (py * size + px) * 3;
                background[o] = 120;
                background[o + 1] = 20;
                background[o + 2] = 20;
            }
    }

    /// <summary>Frames of the agent at each position, [positions, size, size, 3] uint8.</summary>
    public static byte[] Render(IReadOnlyList<(double X, double Y)> positions, int size)
    {
        var background = Background(size);
        int frameBytes = size * size * 3;
        var frames = new byte[positions.Count * frameBytes];
        for (int f = 0; f < positions.Count; f++)
            Draw(frames.AsSpan(f * frameBytes, frameBytes), background, size, positions[f].X, positions[f].Y);
        return frames;
    }
}
