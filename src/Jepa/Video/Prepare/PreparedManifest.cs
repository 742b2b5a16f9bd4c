using System.Globalization;
using CsvHelper;

namespace Jepa.Video.Prepare;

/// <summary>
/// Writes <c>DIR/manifest.csv</c>: one row per prepared segment in the columns of a <c>jepa index</c>
/// index (so training knows every duration without probing again, and takes the <c>train</c> or
/// <c>val</c> rows by the <c>split</c> column), then <c>source</c> and <c>source_start_s</c> (where the
/// segment came from), then any other columns the source's manifest had. Paths are relative to DIR.
/// </summary>
public static class PreparedManifest
{
    /// <summary>Columns after the index's: the source file and the second of it the segment starts at.</summary>
    public static readonly IReadOnlyList<string> SourceColumns = ["source", "source_start_s"];

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>Writes the manifest of the prepared results (through a temporary file renamed into place).</summary>
    public static void Write(string manifestPath, string videos, IReadOnlyList<PrepareResult> results)
    {
        var dir = Path.GetDirectoryName(manifestPath)!;
        var ok = results.Where(r => r.Record is not null && r.Outcome != PrepareOutcome.Bad).ToList();
        var fixedColumns = IndexFile.Columns.Concat(SourceColumns).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var extra = ok.SelectMany(r => r.Entry.Columns.Keys).Where(k => !fixedColumns.Contains(k))
            .Distinct(StringComparer.Ordinal).ToList();

        var tmp = manifestPath + ".tmp";
        using (var csv = CsvWriter.Create(File.Create(tmp), Options, false))
        {
            csv.WriteHeader([.. IndexFile.Columns, .. SourceColumns, .. extra]);
            foreach (var r in ok)
            {
                var folder = Path.Combine(videos, CorpusPreparer.KeyFor(r.Entry.Path));
                foreach (var s in r.Record!.Segments)
                {
                    var file = new FileInfo(Path.Combine(folder, s.File));
                    var relative = Path.GetRelativePath(dir, file.FullName).Replace('\\', '/');
                    csv.WriteRecord(
                    [
                        relative, IndexRow.Ok, "", D(s.DurationS), D(s.Fps), I(s.Width), I(s.Height), "h264", I(s.Frames),
                        I(s.SizeBytes), I(file.Exists ? file.LastWriteTimeUtc.Ticks : 0), r.Entry.Label ?? "", r.Entry.Split ?? "",
                        r.Entry.Path, D(s.StartS),
                        .. extra.Select(k => r.Entry.Columns.TryGetValue(k, out var v) ? v : ""),
                    ]);
                }
            }
        }
        File.Move(tmp, manifestPath, overwrite: true);
    }

    /// <summary>Writes <c>path,reason</c> for every bad source (a header alone when there is none).</summary>
    public static void WriteBad(string path, IReadOnlyList<PrepareResult> results)
    {
        var tmp = path + ".tmp";
        using (var csv = CsvWriter.Create(File.Create(tmp), Options, false))
        {
            csv.WriteHeader(["path", "reason"]);
            foreach (var r in results.Where(r => r.Outcome == PrepareOutcome.Bad))
                csv.WriteRecord([r.Entry.Path, r.Reason ?? ""]);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static string D(double d) => d.ToString("0.######", CultureInfo.InvariantCulture);
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
