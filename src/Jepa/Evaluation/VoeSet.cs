using CsvHelper;
using Jepa.Config;

namespace Jepa.Evaluation;

/// <summary>One clip of a violation-of-expectation set.</summary>
/// <param name="Path">Absolute path of the video.</param>
/// <param name="Group">Clips of a group share their start.</param>
/// <param name="Plausible">Whether the clip follows the physics of the scene.</param>
/// <param name="Event">What breaks the physics in an impossible clip, from the optional <c>event</c> column; null without one.</param>
/// <param name="Balanced">Whether the clip's group is a balanced one (optional <c>balanced</c> column, 1): scored as IntPhys does,
/// the summed surprise of its impossible clips against that of its possible ones, one comparison per group.</param>
public sealed record VoeClip(string Path, string Group, bool Plausible, string? Event = null, bool Balanced = false);

/// <summary>
/// Reads a violation-of-expectation CSV (<c>path,group,plausible</c>, ARCHITECTURE.md), from any source;
/// an optional <c>event</c> column names what each impossible clip breaks, for a per-event breakdown, and an
/// optional <c>balanced</c> column (0 or 1) marks the groups scored as balanced sets (as many possible as impossible clips).
/// </summary>
public static class VoeSet
{
    /// <summary>
    /// The clips of <paramref name="csvPath"/>, checked: every column present, every group with both
    /// kinds. <paramref name="flag"/> names the option the path came from, for messages.
    /// </summary>
    public static IReadOnlyList<VoeClip> Read(string csvPath, string flag = "--data")
    {
        var file = System.IO.Path.GetFullPath(csvPath);
        if (Directory.Exists(file))
        {
            var inside = System.IO.Path.Combine(file, "pairs.csv");
            throw new UsageException(File.Exists(inside)
                ? $"{flag} '{file}' is a folder; pass the CSV in it: {flag} {inside}."
                : $"{flag} '{file}' is a folder; pass a CSV with columns path,group,plausible (jepa synth --kind voe writes one as pairs.csv).");
        }
        if (!File.Exists(file))
            throw new UsageException($"{flag} '{file}' does not exist; pass a CSV with columns path,group,plausible (jepa synth --kind voe writes one).");
        var folder = System.IO.Path.GetDirectoryName(file)!;
        using var csv = CsvReader.Create(File.OpenRead(file), CsvReaderOptions.Default with { Separator = ',', TrimWhitespace = true, TrackLineNumbers = true }, false);
        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int pathCol = header.IndexOf("path"), groupCol = header.IndexOf("group"), plausibleCol = header.IndexOf("plausible"), eventCol = header.IndexOf("event"), balancedCol = header.IndexOf("balanced");
        var missing = new[] { ("path", pathCol), ("group", groupCol), ("plausible", plausibleCol) }.Where(c => c.Item2 < 0).Select(c => c.Item1).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{file} has no {string.Join(", ", missing)} column (header: {string.Join(',', csv.Headers)}); a voe set needs the header path,group,plausible.");

        var clips = new List<VoeClip>();
        while (csv.Read())
        {
            string Field(int i) => i < csv.FieldCount ? csv.GetString(i).Trim() : "";
            long line = csv.LineNumber;
            string path = Field(pathCol), group = Field(groupCol), plausible = Field(plausibleCol);
            if (path.Length == 0 || group.Length == 0)
                throw new UsageException($"{file} line {line} has an empty path or group; give every row both.");
            if (plausible is not ("0" or "1"))
                throw new UsageException($"{file} line {line} has plausible '{plausible}'; it must be 1 (possible) or 0 (impossible).");
            var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path));
            if (!File.Exists(full))
                throw new UsageException($"{file} line {line} names {full}, which does not exist; paths are relative to the CSV's folder.");
            string kind = eventCol < 0 ? "" : Field(eventCol), balanced = balancedCol < 0 ? "" : Field(balancedCol);
            if (balanced is not ("" or "0" or "1"))
                throw new UsageException($"{file} line {line} has balanced '{balanced}'; it must be 1 (a balanced group, scored by summed surprise) or 0 (pairwise).");
            clips.Add(new VoeClip(full, group, plausible == "1", plausible == "0" && kind.Length > 0 ? kind : null, balanced == "1"));
        }
        if (clips.Count == 0)
            throw new UsageException($"{file} lists no clips; add rows path,group,plausible.");
        var lopsided = clips.GroupBy(c => c.Group).FirstOrDefault(g => !g.Any(c => c.Plausible) || g.All(c => c.Plausible));
        if (lopsided is not null)
            throw new UsageException($"{file}: group '{lopsided.Key}' needs at least one plausible (1) and one impossible (0) clip.");
        var mixed = clips.GroupBy(c => c.Group).FirstOrDefault(g => g.Select(c => c.Balanced).Distinct().Count() > 1);
        if (mixed is not null)
            throw new UsageException($"{file}: group '{mixed.Key}' has rows with balanced 1 and rows with 0; give every row of a group the same value.");
        var uneven = clips.GroupBy(c => c.Group).FirstOrDefault(g => g.First().Balanced && g.Count(c => c.Plausible) != g.Count(c => !c.Plausible));
        if (uneven is not null)
            throw new UsageException($"{file}: balanced group '{uneven.Key}' has {uneven.Count(c => c.Plausible)} plausible and {uneven.Count(c => !c.Plausible)} impossible clips; a balanced group needs as many of each.");
        return clips;
    }
}
