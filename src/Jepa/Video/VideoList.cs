using Jepa.Config;

namespace Jepa.Video;

/// <summary>
/// Turns a user's description of videos into a sorted list of absolute paths: a folder (searched
/// recursively), a glob (<c>data/**/*.mp4</c>), a CSV manifest, an index from <c>jepa index</c>
/// (its ok rows), or a single video file.
/// </summary>
public static class VideoList
{
    /// <summary>File extensions counted as videos when searching a folder (compared case-insensitively).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(
        [".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".ogv"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly IReadOnlyDictionary<string, string> NoColumns = new Dictionary<string, string>();

    /// <summary>
    /// Resolves <paramref name="spec"/>. A folder whose videos all sit exactly one level down
    /// (<c>root/&lt;label&gt;/*.mp4</c>, none directly in root) is labelled by subfolder name.
    /// Throws <see cref="UsageException"/> when the spec does not exist, a manifest is malformed or
    /// names a missing file, or no videos are found.
    /// </summary>
    public static IReadOnlyList<VideoEntry> Resolve(string spec) => Resolve(spec, requireExisting: true);

    /// <summary>
    /// As <see cref="Resolve(string)"/>; with <paramref name="requireExisting"/> false a manifest row
    /// naming a missing file is kept (so <c>jepa index</c> can list it as <c>not found</c>).
    /// </summary>
    public static IReadOnlyList<VideoEntry> Resolve(string spec, bool requireExisting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        List<VideoEntry> entries;
        if (File.Exists(spec) && IsManifest(spec) && IndexFile.IsIndex(spec))
            entries = FromIndex(spec);
        else if (File.Exists(spec) && IsManifest(spec))
            entries = VideoManifest.Read(spec, requireExisting);
        else if (Directory.Exists(spec))
            entries = FromFolder(Path.GetFullPath(spec));
        else if (GlobPattern.IsGlob(spec))
            entries = GlobPattern.Parse(spec).Files().Select(f => new VideoEntry(f, null, null, NoColumns)).ToList();
        else if (File.Exists(spec))
            entries = [new VideoEntry(Path.GetFullPath(spec), null, null, NoColumns)];
        else
            throw new UsageException(
                $"Video list {spec} does not exist; give a folder of videos, a glob such as data/**/*.mp4, or a CSV manifest with a path column.");

        if (entries.Count == 0)
            throw new UsageException(
                $"No videos found in {spec}; check the path or pattern (video extensions: {string.Join(' ', Extensions)}).");
        // Ordinal order: the same list on every machine and culture, so seeded sampling is reproducible.
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <summary>True when <paramref name="spec"/> is a glob pattern (it holds <c>*</c> or <c>?</c>) rather than a path.</summary>
    public static bool IsGlob(string spec) => GlobPattern.IsGlob(spec);

    /// <summary>The duration in seconds an index gave an entry, or null for entries from other lists.</summary>
    public static double? IndexedDuration(VideoEntry entry) =>
        entry.Columns.TryGetValue("duration_s", out var d)
        && double.TryParse(d, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? s : null;

    // An index is a manifest whose bad rows are left out: they were checked once and found unusable.
    private static List<VideoEntry> FromIndex(string spec)
    {
        var rows = IndexFile.Read(spec);
        var ok = rows.Where(r => r.IsOk).ToList();
        if (rows.Count > 0 && ok.Count == 0)
            throw new UsageException(
                $"Index {Path.GetFullPath(spec)} lists {rows.Count} videos and none is usable (first: {rows[0].Path}: {rows[0].Reason}); fix the videos or index others.");
        return ok.Select(r => new VideoEntry(r.Path, r.Label, r.Split, new Dictionary<string, string>
        {
            ["duration_s"] = r.DurationS.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["codec"] = r.Codec,
        })).ToList();
    }

    private static bool IsManifest(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static List<VideoEntry> FromFolder(string root)
    {
        // Hidden and system files are skipped by default (macOS "._clip.mp4" resource forks, partial writes).
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        var files = Directory.EnumerateFiles(root, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .ToList();
        var relative = files.Select(f => Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)).ToList();
        bool perClass = files.Count > 0 && relative.All(parts => parts.Length == 2);
        return files.Select((f, i) => new VideoEntry(f, perClass ? relative[i][0] : null, null, NoColumns)).ToList();
    }
}
