using System.Globalization;
using CsvHelper;

namespace Jepa.Embeddings;

/// <summary>One .npy of <c>jepa embed</c>: which video, where (relative to the output folder), what it holds.</summary>
/// <param name="Video">The video's absolute path.</param>
/// <param name="File">The .npy, relative to the output folder, with forward slashes.</param>
/// <param name="Level">1 or 2.</param>
/// <param name="Pool">none, frame or clip.</param>
/// <param name="Shape">The array's shape written like <c>8x16x96</c>.</param>
/// <param name="Fps">Frames per second the video was decoded at (the checkpoint's data.fps).</param>
/// <param name="Start">Seconds from the video's start to the window's first frame.</param>
public sealed record EmbedRow(string Video, string File, int Level, string Pool, string Shape, double Fps, double Start);

/// <summary>
/// The CSV of rows (<c>video,file,level,pool,shape,fps,start</c>): DIR/index.csv, and one per video
/// (done.csv in its folder) written last, whose presence marks the video finished.
/// </summary>
public static class EmbedIndex
{
    public static readonly IReadOnlyList<string> Columns = ["video", "file", "level", "pool", "shape", "fps", "start"];

    private static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with { Separator = ',' };

    /// <summary>Writes through a temporary file and a rename, so a reader (or a resumed run) never sees half of it.</summary>
    public static void Write(string path, IEnumerable<EmbedRow> rows)
    {
        var tmp = path + ".tmp";
        using (var csv = CsvWriter.Create(System.IO.File.Create(tmp), CsvWriterOptions.Default with { NewLine = "\n" }, false))
        {
            csv.WriteHeader(Columns.ToArray());
            foreach (var r in rows)
                csv.WriteRecord([r.Video, r.File, I(r.Level), r.Pool, r.Shape, D(r.Fps), D(r.Start)]);
        }
        System.IO.File.Move(tmp, path, overwrite: true);
    }

    public static List<EmbedRow> Read(string path)
    {
        using var csv = CsvReader.Create(System.IO.File.OpenRead(path), ReadOptions, false);
        var header = csv.Headers.Select(h => h.Trim()).ToList();
        if (!header.SequenceEqual(Columns))
            throw new InvalidDataException($"{path} does not have the columns {string.Join(',', Columns)}.");
        var rows = new List<EmbedRow>();
        while (csv.Read())
        {
            string Get(int i) => csv.GetString(i) ?? "";
            rows.Add(new EmbedRow(Get(0), Get(1), int.Parse(Get(2), CultureInfo.InvariantCulture), Get(3), Get(4),
                double.Parse(Get(5), CultureInfo.InvariantCulture), double.Parse(Get(6), CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    /// <summary>A shape as the index writes it: <c>8x16x96</c>.</summary>
    public static string ShapeText(IEnumerable<long> shape) => string.Join('x', shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static string D(double d) => d.ToString("R", CultureInfo.InvariantCulture);
    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
