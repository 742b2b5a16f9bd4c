using System.Text.RegularExpressions;
using Jepa.Config;

namespace Jepa.Worlds;

/// <summary>
/// What <c>jepa synth</c> may do to its output folder. Videos left from an earlier, larger set would
/// sit beside the new ones and be trained on, and a manifest replaced loses its labels, so a folder
/// that already holds what a kind writes is refused; with overwrite, exactly the files synth writes
/// are removed first, and a file it did not write stops it instead of being deleted or mixed in.
/// </summary>
public static partial class SynthOutput
{
    /// <summary>The entries a kind writes directly under its output folder.</summary>
    public static IReadOnlyList<string> Entries(string kind) =>
        kind == "voe" ? ["voe", "pairs.csv"] : ["train", "val", "manifest.csv"];

    /// <summary>
    /// Makes <paramref name="outDir"/> ready for a set of <paramref name="kind"/>: nothing to do when
    /// it holds none of <see cref="Entries"/>; otherwise refused, or with <paramref name="overwrite"/>
    /// emptied of what synth writes (videos of every kind, half-written <c>.part</c> files, manifests).
    /// </summary>
    public static void Prepare(string outDir, string kind, bool overwrite)
    {
        var root = Path.GetFullPath(outDir);
        var present = Entries(kind).Where(e => File.Exists(Path.Combine(root, e)) || Directory.Exists(Path.Combine(root, e))).ToList();
        if (present.Count == 0)
            return;
        string shown = string.Join(", ", present.Select(e => Directory.Exists(Path.Combine(root, e)) ? e + "/" : e));
        if (!overwrite)
            throw new UsageException($"--out {root} already holds {shown}; new videos would be mixed with the old ones, so pass --overwrite to remove what jepa synth wrote there first, or give another folder.");

        var files = present.SelectMany(e => Directory.Exists(Path.Combine(root, e))
            ? Directory.EnumerateFiles(Path.Combine(root, e), "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            : [Path.Combine(root, e)]).ToList();
        var foreign = files.FirstOrDefault(f => !Written(Path.GetRelativePath(root, f).Replace('\\', '/')));
        if (foreign is not null)
            throw new UsageException($"--overwrite removes only the files jepa synth writes, and {foreign} is not one of them; move it out of {root} or give another --out.");
        foreach (var f in files)
            File.Delete(f);
        foreach (var dir in present.Select(e => Path.Combine(root, e)).Where(Directory.Exists))
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
    }

    // Names SynthBouncing and SynthPhysicsSet give their files (SynthEncoder writes <name>.part first).
    private static bool Written(string relative) => WrittenName().IsMatch(relative);

    [GeneratedRegex(@"^((train|val)/(bouncing|physics|rooms)_\d{4,}\.mp4(\.part)?|(train|val)/rooms_\d{4,}\.actions\.csv|voe/g\d{4,}_[a-z]+\.mp4(\.part)?|manifest\.csv|pairs\.csv)$")]
    private static partial Regex WrittenName();
}
