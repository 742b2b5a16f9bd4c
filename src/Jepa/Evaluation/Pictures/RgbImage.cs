using Jepa.Video;
using SkiaSharp;

namespace Jepa.Evaluation.Pictures;

/// <summary>An RGB picture in memory: <see cref="Rgb"/> is [Height, Width, 3] uint8, row-major.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"{width}x{height} RGB needs {width * height * 3} bytes, not {rgb.Length}.", nameof(rgb));
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Rgb { get; }

    /// <summary>A picture of one colour.</summary>
    public static RgbImage Filled(int width, int height, byte r, byte g, byte b)
    {
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = r;
            rgb[i + 1] = g;
            rgb[i + 2] = b;
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>Frame <paramref name="index"/> of a decoded video.</summary>
    public static RgbImage Frame(DecodedFrames video, int index) => new(video.Size, video.Size, video.Frame(index).ToArray());

    /// <summary>The pixel at (x, y).</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int k = (y * Width + x) * 3;
            return (Rgb[k], Rgb[k + 1], Rgb[k + 2]);
        }
    }

    /// <summary>Copies <paramref name="source"/> in with its top-left corner at (x, y), clipped to this picture.</summary>
    public void Paste(RgbImage source, int x, int y)
    {
        for (int sy = 0; sy < source.Height; sy++)
        {
            int ty = y + sy;
            if (ty < 0 || ty >= Height) continue;
            int x0 = Math.Max(0, -x), x1 = Math.Min(source.Width, Width - x);
            if (x1 <= x0) continue;
            Array.Copy(source.Rgb, (sy * source.Width + x0) * 3, Rgb, (ty * Width + x + x0) * 3, (x1 - x0) * 3);
        }
    }

    /// <summary>Each pixel repeated <paramref name="factor"/>×<paramref name="factor"/> times (sharp token blocks, no blur).</summary>
    public RgbImage Scaled(int factor)
    {
        if (factor == 1) return this;
        var result = new RgbImage(Width * factor, Height * factor, new byte[Width * factor * Height * factor * 3]);
        for (int y = 0; y < result.Height; y++)
            for (int x = 0; x < result.Width; x++)
                Array.Copy(Rgb, ((y / factor) * Width + x / factor) * 3, result.Rgb, (y * result.Width + x) * 3, 3);
        return result;
    }

    /// <summary>A rectangle outline <paramref name="thickness"/> pixels wide along the picture's edge.</summary>
    public RgbImage Framed((byte R, byte G, byte B) colour, int thickness)
    {
        var copy = new RgbImage(Width, Height, (byte[])Rgb.Clone());
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if (x < thickness || y < thickness || x >= Width - thickness || y >= Height - thickness)
                {
                    int k = (y * Width + x) * 3;
                    (copy.Rgb[k], copy.Rgb[k + 1], copy.Rgb[k + 2]) = colour;
                }
        return copy;
    }

    /// <summary>PNG bytes (SkiaSharp, lossless).</summary>
    public byte[] ToPng()
    {
        using var bitmap = ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    internal SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[Width * Height * 4];
        for (int i = 0, j = 0; i < Rgb.Length; i += 3, j += 4)
        {
            rgba[j] = Rgb[i];
            rgba[j + 1] = Rgb[i + 1];
            rgba[j + 2] = Rgb[i + 2];
            rgba[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }
}
