namespace Jepa.Config;

/// <summary>
/// The config keys that name files (data.train, data.val, data.index), and where a relative one starts:
/// in a config file, at the file's folder (as a manifest's rows start at the manifest's folder), so a
/// config means the same videos from any working directory; on the command line, at the working directory.
/// A run writes them absolute into its config.yaml and checkpoints, so resume and eval find them anywhere.
/// </summary>
public static class ConfigPaths
{
    /// <summary>The keys under <c>data</c> that hold paths.</summary>
    public static readonly IReadOnlyList<string> DataKeys = ["train", "val", "index"];

    /// <summary>Every relative path of <paramref name="config"/> made absolute against <paramref name="baseDir"/>.</summary>
    public static JepaConfig Absolute(JepaConfig config, string baseDir) => config with
    {
        Data = config.Data with
        {
            Train = Anchor(config.Data.Train, baseDir),
            Val = Anchor(config.Data.Val, baseDir),
            Index = Anchor(config.Data.Index, baseDir),
        },
    };

    /// <summary>The data paths a config file wrote, anchored at the file's folder.</summary>
    internal static void AnchorFileValues(Overrides overrides, string configFile)
    {
        if (!overrides.TryGetValue("data", out var section) || section is not Overrides data) return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(configFile))!;
        foreach (var key in DataKeys)
            if (data.TryGetValue(key, out var value) && value is string path)
                data[key] = Anchor(path, folder);
    }

    // Empty stays empty (data.index: "" means <run>/index.csv). A glob keeps its wildcards: only the
    // part before them is a folder, and Path.Combine leaves them alone.
    static string Anchor(string path, string baseDir) =>
        path.Length == 0 || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));
}
