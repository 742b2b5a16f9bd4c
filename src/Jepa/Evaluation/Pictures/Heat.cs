namespace Jepa.Evaluation.Pictures;

/// <summary>
/// Per-token values (surprise) painted over a frame: each token's square of pixels is tinted by a
/// black-red-yellow-white scale, more opaque where the value is higher, so a quiet token leaves the
/// frame visible and a surprising one covers it.
/// </summary>
public static class Heat
{
    /// <summary>The colour of <paramref name="v"/> in [0, 1] (clamped): black → red → yellow → white.</summary>
    public static (byte R, byte G, byte B) Colour(double v)
    {
        v = double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
        double r = Math.Clamp(v * 3, 0, 1), g = Math.Clamp(v * 3 - 1, 0, 1), b = Math.Clamp(v * 3 - 2, 0, 1);
        return ((byte)(255 * r), (byte)(255 * g), (byte)(255 * b));
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
                double a = 0.85 * v; // opacity grows with the value
                rgb[k] = (byte)(rgb[k] * (1 - a) + r * a);
                rgb[k + 1] = (byte)(rgb[k + 1] * (1 - a) + g * a);
                rgb[k + 2] = (byte)(rgb[k + 2] * (1 - a) + b * a);
            }
        return new RgbImage(frame.Width, frame.Height, rgb);
    }
}
