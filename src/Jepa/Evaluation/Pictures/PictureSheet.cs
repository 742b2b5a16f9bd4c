using SkiaSharp;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// A grid of small pictures with a label left of every row and a header over every column, drawn as
/// one PNG (SkiaSharp), so the file beside the report explains itself. Cells are shown
/// <c>scale</c> times their size with sharp pixels (a token is a visible block).
/// </summary>
public sealed class PictureSheet(IReadOnlyList<string> columns, int scale = 2, int labelWidth = 150)
{
    private const int Gap = 4, HeaderHeight = 20, FontSize = 12;
    private readonly List<(string Label, IReadOnlyList<RgbImage?> Cells, bool GapAbove)> rows = [];

    /// <summary>Adds a row; a null cell stays blank. <paramref name="gapAbove"/> leaves a wider space before it (a new group).</summary>
    public void AddRow(string label, IReadOnlyList<RgbImage?> cells, bool gapAbove = false) => rows.Add((label, cells, gapAbove));

    public int Rows => rows.Count;

    /// <summary>The sheet as PNG bytes.</summary>
    public byte[] ToPng()
    {
        int cellW = rows.SelectMany(r => r.Cells).Where(c => c is not null).Select(c => c!.Width).DefaultIfEmpty(16).Max() * scale;
        int cellH = rows.SelectMany(r => r.Cells).Where(c => c is not null).Select(c => c!.Height).DefaultIfEmpty(16).Max() * scale;
        int cols = Math.Max(columns.Count, rows.Select(r => r.Cells.Count).DefaultIfEmpty(0).Max());
        int width = labelWidth + cols * (cellW + Gap) + Gap;
        int height = HeaderHeight + rows.Sum(r => cellH + Gap + (r.GapAbove ? 3 * Gap : 0)) + Gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, FontSize);
        using var ink = new SKPaint { Color = new SKColor(40, 40, 40), IsAntialias = true };
        for (int c = 0; c < columns.Count; c++)
            Text(canvas, columns[c], labelWidth + c * (cellW + Gap) + Gap, HeaderHeight - 6, cellW, font, ink);
        int y = HeaderHeight;
        var sampling = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        foreach (var (label, cells, gapAbove) in rows)
        {
            if (gapAbove) y += 3 * Gap;
            Text(canvas, label, 4, y + cellH / 2 + FontSize / 2 - 2, labelWidth - 8, font, ink);
            for (int c = 0; c < cells.Count; c++)
            {
                if (cells[c] is not { } cell) continue;
                using var bitmap = cell.ToBitmap();
                using var image = SKImage.FromBitmap(bitmap);
                int x = labelWidth + c * (cellW + Gap) + Gap;
                canvas.DrawImage(image, new SKRect(x, y, x + cell.Width * scale, y + cell.Height * scale), sampling);
            }
            y += cellH + Gap;
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    // Text cut with an ellipsis to fit its box.
    private static void Text(SKCanvas canvas, string text, float x, float y, float maxWidth, SKFont font, SKPaint paint)
    {
        string shown = text;
        while (shown.Length > 1 && font.MeasureText(shown) > maxWidth)
            shown = shown[..^2] + "…";
        canvas.DrawText(shown, x, y, SKTextAlign.Left, font, paint);
    }
}
