using CsvHelper;
using Jepa.Config;

namespace Jepa.Video;

/// <summary>
/// Reads a CSV manifest: header required; <c>path</c> (relative to the manifest's folder, or absolute),
/// optional <c>label</c> and <c>split</c>; every other column is kept by its header name.
/// </summary>
internal static class VideoManifest
{
    // Comma only: the file format is fixed (ARCHITECTURE.md), and detection could misread paths with ';'.
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        TrimWhitespace = true,
        TrackLineNumbers = true,
    };

    /// <param name="manifestPath">the CSV file</param>
    /// <param name="requireExisting">false keeps rows whose file is missing (an index reports them as not found)</param>
    public static List<VideoEntry> Read(string manifestPath, bool requireExisting = true)
    {
        var manifest = Path.GetFullPath(manifestPath);
        var folder = Path.GetDirectoryName(manifest)!;
        using var csv = CsvReader.Create(File.OpenRead(manifest), Options, false);
        var header = csv.Headers;
        if (header.Count == 0)
            throw new UsageException($"Manifest {manifest} is empty; it needs a header line with a path column.");

        int pathCol = Column(header, "path");
        int labelCol = Column(header, "label");
        int splitCol = Column(header, "split");
        if (pathCol < 0)
            throw new UsageException(
                $"Manifest {manifest} has no path column (header: {string.Join(',', header)}); add one naming each video.");

        var entries = new List<VideoEntry>();
        while (csv.Read())
        {
            long line = csv.LineNumber;
            var raw = Field(csv, pathCol);
            if (raw is null)
                throw new UsageException($"Manifest {manifest} line {line} has an empty path; give every row a video path.");
            var path = Path.GetFullPath(Path.Combine(folder, raw));
            if (requireExisting && !File.Exists(path))
                throw new UsageException(
                    $"Manifest {manifest} line {line} names {path}, which does not exist; fix the path (relative paths start at the manifest's folder).");

            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count; i++)
                if (i != pathCol && i != labelCol && i != splitCol)
                    columns[header[i]] = Field(csv, i) ?? "";
            entries.Add(new VideoEntry(path, Field(csv, labelCol), Field(csv, splitCol), columns));
        }
        return entries;
    }

    private static int Column(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }

    // Short rows read as missing fields; empty strings read as absent (null label, null split).
    private static string? Field(CsvReader csv, int index) =>
        index >= 0 && index < csv.FieldCount && csv.GetString(index) is { Length: > 0 } v ? v : null;
}
