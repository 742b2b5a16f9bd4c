namespace Jepa.Evaluation.Pictures;

/// <summary>
/// Per-token values (surprise) painted over a frame: each token's square of pixels is tinted by a
/// red-yellow-white scale, transparent at the low end and more opaque as the value grows, so a quiet
/// token leaves the frame as it is and a surprising one covers it.
/// </summary>
public static class Heat
{
    /// <summary>The colour of <paramref name="v"/> in [0, 1] (clamped): red → yellow → white.</summary>
    public static (byte R, byte G, byte B) Colour(double v)
    {
        v = double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
        return v < 0.5 ? ((byte)255, (byte)(510 * v), (byte)0) : ((byte)255, (byte)255, (byte)(510 * (v - 0.5)));
    }

    /// <summary>
    /// <paramref name="frame"/> with a <paramref name="grid"/>×<paramref name="grid"/> token map over it, values scaled
    /// from [lo, hi] to [0, 1]; a null map (a frame nothing predicted) greys the frame out.
    /// </summary>
    /// <param name="values">[grid × grid] row-major, one value per token</param>
    public static RgbImage Overlay(RgbImage frame, float[]? values, int grid, double lo, double hi)
    {
        var rgb = (byte[])frame.Rgb.Clone();
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
            {
                int k = (y * frame.Width + x) * 3;
                if (values is null)
                {
                    // Unscored frame: faded, so it reads as "no prediction here".
                    for (int c = 0; c < 3; c++) rgb[k + c] = (byte)(128 + rgb[k + c] / 4);
                    continue;
                }
                int token = Math.Min(grid - 1, y * grid / frame.Height) * grid + Math.Min(grid - 1, x * grid / frame.Width);
                double v = hi > lo ? (values[token] - lo) / (hi - lo) : 0;
                v = double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
                var (r, g, b) = Colour(v);
                double a = 0.9 * Math.Pow(v, 1.5); // transparent when quiet, nearly opaque at the top
                rgb[k] = (byte)(rgb[k] * (1 - a) + r * a);
                rgb[k + 1] = (byte)(rgb[k + 1] * (1 - a) + g * a);
                rgb[k + 2] = (byte)(rgb[k + 2] * (1 - a) + b * a);
            }
        return new RgbImage(frame.Width, frame.Height, rgb);
    }
}
