using System.Globalization;
using CsvHelper;
using Jepa.Config;

namespace Jepa.Video;

/// <summary>
/// Reads and writes the index CSV. It is also a manifest (a <c>path</c> column, optional
/// <c>label</c>/<c>split</c>), so <see cref="VideoList.Resolve(string)"/> accepts it and keeps its ok rows.
/// </summary>
public static class IndexFile
{
    /// <summary>The columns, in order; the first nine are the ones the issue fixes.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["path", "status", "reason", "duration_s", "fps", "width", "height", "codec", "frames", "size_bytes", "mtime_utc", "label", "split"];

    private static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with { Separator = ',', TrimWhitespace = true };

    /// <summary>True when <paramref name="path"/> is a CSV whose header has a <c>status</c> column.</summary>
    public static bool IsIndex(string path)
    {
        if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
            return false;
        using var csv = CsvReader.Create(File.OpenRead(path), ReadOptions, false);
        return csv.Headers.Any(h => string.Equals(h.Trim(), "status", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// True when <paramref name="path"/> starts with the header <c>jepa index</c> writes (its first nine
    /// columns, the fixed part of the format): a file it may replace. A manifest that merely has a
    /// <c>status</c> column is not one.
    /// </summary>
    public static bool IsWrittenByIndex(string path)
    {
        if (!File.Exists(path))
            return false;
        using var csv = CsvReader.Create(File.OpenRead(path), ReadOptions, false);
        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        return header.Count >= 9 && header.Take(9).SequenceEqual(Columns.Take(9));
    }

    /// <summary>
    /// Writes <paramref name="rows"/> to <paramref name="indexPath"/> (through a temporary file, so a
    /// reader never sees half an index). Paths under the index's folder are written relative to it.
    /// </summary>
    public static void Write(string indexPath, IEnumerable<IndexRow> rows)
    {
        var full = Path.GetFullPath(indexPath);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var tmp = full + ".tmp";
        using (var csv = CsvWriter.Create(File.Create(tmp), CsvWriterOptions.Default with { NewLine = "\n" }, false))
        {
            csv.WriteHeader(Columns.ToArray());
            foreach (var r in rows)
            {
                var relative = Path.GetRelativePath(folder, r.Path);
                var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? r.Path : relative;
                csv.WriteRecord(
                [
                    shown, r.Status, r.Reason, D(r.DurationS), D(r.Fps), I(r.Width), I(r.Height), r.Codec,
                    I(r.Frames), I(r.SizeBytes), I(r.MtimeUtc), r.Label ?? "", r.Split ?? "",
                ]);
            }
        }
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>The part shard <paramref name="index"/> of <paramref name="count"/> writes for <paramref name="indexPath"/>: index.csv → index-i-of-n.csv.</summary>
    public static string PartPath(string indexPath, int index, int count) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(indexPath))!,
            $"{Path.GetFileNameWithoutExtension(indexPath)}-{index.ToString(CultureInfo.InvariantCulture)}-of-{count.ToString(CultureInfo.InvariantCulture)}.csv");

    /// <summary>
    /// Joins the parts a sharded <c>jepa index --shard i/n</c> wrote beside <paramref name="indexPath"/> into it,
    /// rows in path order (as an unsharded index has them). Every part of one n must be there and be an index;
    /// a missing one is named, with the command that makes it. Returns the rows written.
    /// </summary>
    public static List<IndexRow> Merge(string indexPath)
    {
        var full = Path.GetFullPath(indexPath);
        var folder = Path.GetDirectoryName(full)!;
        var stem = Path.GetFileNameWithoutExtension(full);
        var counts = Directory.Exists(folder)
            ? Directory.GetFiles(folder, stem + "-*-of-*.csv")
                .Select(f => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(f), "^" + System.Text.RegularExpressions.Regex.Escape(stem) + @"-(\d+)-of-(\d+)\.csv$"))
                .Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Distinct().ToList()
            : [];
        if (counts.Count == 0)
            throw new UsageException($"no parts of {full} to merge ({stem}-I-of-N.csv beside it); write them with jepa index … --out {full} --shard I/N.");
        if (counts.Count > 1)
            throw new UsageException($"{folder} holds parts of {full} from shardings into {string.Join(" and ", counts.Order())}; remove the parts of the one you do not want, then merge.");
        int n = counts[0];
        var missing = Enumerable.Range(0, n).Where(i => !File.Exists(PartPath(full, i, n))).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{full} is split into {n} parts but {string.Join(", ", missing.Select(i => $"{i}/{n}"))} {(missing.Count == 1 ? "is" : "are")} missing; run jepa index with --shard {missing[0]}/{n} first.");
        var rows = new List<IndexRow>();
        for (int i = 0; i < n; i++)
        {
            var part = PartPath(full, i, n);
            if (!IsWrittenByIndex(part)) throw new UsageException($"{part} is not an index written by jepa index; remove it or write it again with --shard {i}/{n}.");
            rows.AddRange(Read(part));
        }
        var merged = rows.GroupBy(r => r.Path, StringComparer.Ordinal).Select(g => g.First()).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        Write(full, merged);
        return merged;
    }

    /// <summary>Reads every row (ok and bad) with absolute paths; throws <see cref="UsageException"/> on a file that is not an index.</summary>
    public static List<IndexRow> Read(string indexPath)
    {
        var full = Path.GetFullPath(indexPath);
        var folder = Path.GetDirectoryName(full)!;
        using var csv = CsvReader.Create(File.OpenRead(full), ReadOptions, false);
        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => header.IndexOf(name);
        if (Col("path") < 0 || Col("status") < 0)
            throw new UsageException($"Index {full} has no path and status columns; make it with jepa index.");
        string Get(string name)
        {
            int i = Col(name);
            return i >= 0 && i < csv.FieldCount ? csv.GetString(i) ?? "" : "";
        }
        var rows = new List<IndexRow>();
        while (csv.Read())
        {
            var raw = Get("path");
            if (raw.Length == 0)
                continue;
            rows.Add(new IndexRow(
                Path.GetFullPath(Path.Combine(folder, raw)), Get("status").ToLowerInvariant(), Get("reason"),
                ParseD(Get("duration_s")), ParseD(Get("fps")), (int)ParseL(Get("width")), (int)ParseL(Get("height")),
                Get("codec"), ParseL(Get("frames")), ParseL(Get("size_bytes")), ParseL(Get("mtime_utc")),
                NullIfEmpty(Get("label")), NullIfEmpty(Get("split"))));
        }
        return rows;
    }

    private static string D(double d) => d.ToString("0.######", CultureInfo.InvariantCulture);
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static double ParseD(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
    private static long ParseL(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
