namespace Jepa.Worlds;

/// <summary>
/// Draws a <see cref="SynthVideoSpec"/> into RGB bytes: a static textured background, then the
/// objects moved by a small physics step each frame. Plain float arithmetic, so the same spec gives
/// the same bytes on every run.
/// </summary>
internal static class SynthRenderer
{
    // Gravity in frame sides per s²: a drop from mid-frame reaches the floor in 1 s at 1 side/s.
    private const double GravityAccel = 1.0;
    private const double FloorRestitution = 0.9;
    // Physics substeps per frame: keeps bounces accurate at fast speeds and low frame rates.
    private const int Substeps = 4;

    /// <summary>[FrameCount, Size, Size, 3] uint8, row-major.</summary>
    public static byte[] Render(SynthVideoSpec spec)
    {
        int frameBytes = spec.Size * spec.Size * 3;
        var frames = new byte[spec.FrameCount * frameBytes];
        var background = Background(spec.Size, spec.BackgroundSeed);
        var positions = Trajectory(spec);
        for (int f = 0; f < spec.FrameCount; f++)
        {
            var frame = frames.AsSpan(f * frameBytes, frameBytes);
            background.CopyTo(frame);
            for (int i = 0; i < spec.Objects.Count; i++)
                Draw(frame, spec.Size, spec.Objects[i], positions[f][i].X, positions[f][i].Y);
        }
        return frames;
    }

    /// <summary>Centre of every object at every frame, [frame][object], in frame sides.</summary>
    internal static (double X, double Y)[][] Trajectory(SynthVideoSpec spec)
    {
        var bodies = spec.Objects.Select(o => new Body(o)).ToArray();
        var positions = new (double X, double Y)[spec.FrameCount][];
        double dt = 1.0 / spec.Fps / Substeps;
        for (int f = 0; f < spec.FrameCount; f++)
        {
            positions[f] = bodies.Select(b => (b.X, b.Y)).ToArray();
            for (int s = 0; s < Substeps; s++)
                foreach (var body in bodies)
                    body.Step(dt, spec.Gravity);
        }
        return positions;
    }

    /// <summary>Smooth low-contrast colour noise blended with soft stripes, on a muted base colour.</summary>
    internal static byte[] Background(int size, ulong seed)
    {
        var rng = new SynthRandom(seed);
        var baseColour = new double[3];
        for (int c = 0; c < 3; c++)
            baseColour[c] = rng.Range(70, 170);
        // Value noise on a coarse grid (3..5 cells), ±25 levels per channel, smoothstep-interpolated.
        int cells = 3 + rng.Next(3);
        var grid = new double[cells + 1, cells + 1, 3];
        for (int i = 0; i <= cells; i++)
            for (int j = 0; j <= cells; j++)
                for (int c = 0; c < 3; c++)
                    grid[i, j, c] = rng.Range(-25, 25);
        double angle = rng.Range(0, Math.PI), wavelength = rng.Range(0.15, 0.4), stripes = rng.Range(0, 12);
        double cos = Math.Cos(angle), sin = Math.Sin(angle), phase = rng.Range(0, 2 * Math.PI);

        var pixels = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double u = (x + 0.5) / size * cells, v = (y + 0.5) / size * cells;
                int i = Math.Min((int)v, cells - 1), j = Math.Min((int)u, cells - 1);
                double fy = Smooth(v - i), fx = Smooth(u - j);
                double stripe = stripes * Math.Sin(2 * Math.PI * ((x * cos + y * sin) / size) / wavelength + phase);
                for (int c = 0; c < 3; c++)
                {
                    double top = grid[i, j, c] + (grid[i, j + 1, c] - grid[i, j, c]) * fx;
                    double bottom = grid[i + 1, j, c] + (grid[i + 1, j + 1, c] - grid[i + 1, j, c]) * fx;
                    pixels[(y * size + x) * 3 + c] = ToByte(baseColour[c] + top + (bottom - top) * fy + stripe);
                }
            }
        return pixels;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    internal static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    // Anti-aliased by signed distance: coverage = clamp(0.5 - d, 0, 1) with d in pixels.
    internal static void Draw(Span<byte> frame, int size, SynthObject o, double x01, double y01)
    {
        double cx = x01 * size, cy = y01 * size, r = o.Radius * size;
        int x0 = Math.Max(0, (int)(cx - r - 2)), x1 = Math.Min(size - 1, (int)(cx + r + 2));
        int y0 = Math.Max(0, (int)(cy - r - 2)), y1 = Math.Min(size - 1, (int)(cy + r + 2));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double px = x + 0.5 - cx, py = y + 0.5 - cy;
                double d = o.Shape switch
                {
                    SynthShape.Square => Box(px, py, 0.85 * r),
                    SynthShape.Triangle => Triangle(px, py, r * Math.Sqrt(3) / 2),
                    _ => Math.Sqrt(px * px + py * py) - r,
                };
                double a = Math.Clamp(0.5 - d, 0, 1);
                if (a <= 0)
                    continue;
                int k = (y * size + x) * 3;
                frame[k] = ToByte(frame[k] + (o.R - frame[k]) * a);
                frame[k + 1] = ToByte(frame[k + 1] + (o.G - frame[k + 1]) * a);
                frame[k + 2] = ToByte(frame[k + 2] + (o.B - frame[k + 2]) * a);
            }
    }

    private static double Box(double px, double py, double half)
    {
        double qx = Math.Abs(px) - half, qy = Math.Abs(py) - half;
        double outside = Math.Sqrt(Math.Max(qx, 0) * Math.Max(qx, 0) + Math.Max(qy, 0) * Math.Max(qy, 0));
        return outside + Math.Min(Math.Max(qx, qy), 0);
    }

    // Exact distance to an equilateral triangle of half-side h, apex up (Inigo Quilez's
    // sdEquilateralTriangle, y flipped because image rows grow downwards).
    private static double Triangle(double px, double py, double h)
    {
        double k = Math.Sqrt(3);
        double x = Math.Abs(px) - h, y = -py + h / k;
        if (x + k * y > 0)
            (x, y) = ((x - k * y) / 2, (-k * x - y) / 2);
        x -= Math.Clamp(x, -2 * h, 0);
        return -Math.Sqrt(x * x + y * y) * Math.Sign(y);
    }

    /// <summary>Mutable position and velocity of one object (frame sides, seconds).</summary>
    private sealed class Body(SynthObject o)
    {
        public SynthObject Object { get; } = o;
        public double X = o.X, Y = o.Y, Vx = o.Vx, Vy = o.Vy;

        // Elastic reflection off the walls (and ceiling); with gravity the floor keeps 90% of the speed.
        // Objects pass over each other: only walls collide, so motion stays simple to label.
        public void Step(double dt, bool gravity)
        {
            if (gravity)
                Vy += GravityAccel * dt;
            X += Vx * dt;
            Y += Vy * dt;
            double left = Object.HalfWidth, right = 1 - Object.HalfWidth;
            double top = Object.Top, floor = 1 - Object.Bottom;
            if (X < left) { X = 2 * left - X; Vx = Math.Abs(Vx); }
            if (X > right) { X = 2 * right - X; Vx = -Math.Abs(Vx); }
            if (Y < top) { Y = 2 * top - Y; Vy = Math.Abs(Vy); }
            if (Y > floor)
            {
                Y = 2 * floor - Y;
                Vy = -Math.Abs(Vy) * (gravity ? FloorRestitution : 1);
            }
        }
    }
}
