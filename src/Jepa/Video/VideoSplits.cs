using Jepa.Config;

namespace Jepa.Video;

/// <summary>The videos of one split, and a line saying what was used and what was set aside (null when the list has no splits).</summary>
public sealed record VideoSelection(IReadOnlyList<VideoEntry> Videos, string? Note);

/// <summary>
/// Keeps training and held-out videos apart when one list holds both: a manifest or index with a
/// <c>split</c> column, or a folder with <c>train/</c> and <c>val/</c> (or <c>test/</c>) inside, as
/// <c>jepa synth</c> writes. Without this, data.train naming such a list trained on its validation videos.
/// </summary>
public static class VideoSplits
{
    /// <summary>The split names a list may use (ARCHITECTURE.md, file formats).</summary>
    public static readonly IReadOnlyList<string> Names = ["train", "val", "test"];

    /// <summary>
    /// The videos of <paramref name="spec"/> in <paramref name="split"/>: a manifest's rows of that split
    /// (for train also rows with an empty split), or the split's subfolder of a split folder; any other
    /// list whole. With <paramref name="required"/> false, a list whose splits do not include
    /// <paramref name="split"/> is used whole instead of refused (eval --data: the user chose it).
    /// </summary>
    public static VideoSelection Select(string spec, string split, bool required = true)
    {
        if (SplitFolder(spec) is { } folder)
        {
            var sub = Directory.EnumerateDirectories(folder)
                .FirstOrDefault(d => string.Equals(Path.GetFileName(d), split, StringComparison.OrdinalIgnoreCase));
            var present = Subfolders(folder);
            if (sub is null && !required)
                return new VideoSelection(VideoList.Resolve(spec), $"{spec} has no {split}/ subfolder; using all of it");
            if (sub is null)
                throw new UsageException($"{Path.GetFullPath(spec)} is split into {string.Join(", ", present.Select(p => p + "/"))} but has no {split}/ subfolder; point at a list of {split} videos instead.");
            var videos = VideoList.Resolve(sub);
            var others = present.Where(p => !string.Equals(p, split, StringComparison.OrdinalIgnoreCase)).ToList();
            return new VideoSelection(videos, $"{videos.Count} videos of {Path.GetFileName(sub)}/ in {spec} ({string.Join(", ", others.Select(o => o + "/"))} set aside)");
        }

        var all = VideoList.Resolve(spec);
        if (all.All(e => e.Split is null))
            return new VideoSelection(all, null);
        bool Wanted(VideoEntry e) => string.Equals(e.Split, split, StringComparison.OrdinalIgnoreCase) || e.Split is null && split == "train";
        var kept = all.Where(Wanted).ToList();
        var asideCounts = all.Where(e => !Wanted(e)).GroupBy(e => e.Split ?? "(none)", StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}").ToList();
        if (kept.Count == 0 && !required)
            return new VideoSelection(all, $"{spec} has no rows of split {split}; using all {all.Count}");
        if (kept.Count == 0)
            throw new UsageException($"{Path.GetFullPath(spec)} has no rows with split '{split}' (it has {string.Join(", ", asideCounts)}); give its {split} videos a split of '{split}', or point at another list.");
        var aside = asideCounts.Count == 0 ? "none set aside" : string.Join(", ", asideCounts) + " set aside";
        return new VideoSelection(kept, $"{kept.Count} videos of split '{split}' in {spec} ({aside})");
    }

    /// <summary>True when <paramref name="spec"/> is a folder holding <c>train/</c> and <c>val/</c> (or <c>test/</c>), as <c>jepa synth</c> writes.</summary>
    public static bool IsSplitFolder(string spec) => SplitFolder(spec) is not null;

    // A folder holding train/ and val/ (or test/) is split in two, not labelled "train" and "val".
    private static string? SplitFolder(string spec)
    {
        if (!Directory.Exists(spec)) return null;
        var present = Subfolders(spec);
        return present.Contains("train", StringComparer.OrdinalIgnoreCase) && present.Count(p => Names.Contains(p, StringComparer.OrdinalIgnoreCase)) >= 2
            ? spec : null;
    }

    private static List<string> Subfolders(string folder) =>
        Directory.EnumerateDirectories(folder).Select(d => Path.GetFileName(d)!)
            .Where(n => Names.Contains(n, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
}
