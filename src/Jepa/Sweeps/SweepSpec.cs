using System.Text.Json;
using Jepa.Config;

namespace Jepa.Sweeps;

/// <summary>One <c>--grid key=v1,v2</c>: a config key and the values its runs take.</summary>
public sealed record GridAxis(string Key, IReadOnlyList<string> Values)
{
    public static GridAxis Parse(string text)
    {
        var eq = text.IndexOf('=');
        var key = eq < 0 ? "" : text[..eq].Trim();
        var values = eq < 0 ? [] : text[(eq + 1)..].Split(',').Select(v => v.Trim()).ToList();
        if (key.Length == 0 || values.Count == 0 || values.Any(v => v.Length == 0))
            throw new UsageException($"--grid '{text}' needs the form key=v1,v2, such as --grid train.lr=0.001,0.002.");
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            throw new UsageException($"--grid '{text}' names a value twice; each value makes one run.");
        return new GridAxis(key, values);
    }

    public override string ToString() => $"{Key}={string.Join(',', Values)}";
}

/// <summary>
/// What a sweep was asked for: the base config, its --set values, the grid and the seeds. Saved as
/// sweep.json in the sweep folder, so running the command again continues the same sweep and a command
/// that asks for another one is refused instead of mixing two sweeps in one folder.
/// </summary>
public sealed record SweepSpec(string? Config, IReadOnlyList<string> Sets, IReadOnlyList<GridAxis> Grid, IReadOnlyList<int> Seeds)
{
    public const string FileName = "sweep.json";

    private sealed record Stored(string? Config, List<string> Sets, List<string> Grid, List<int> Seeds);

    public static SweepSpec Create(string? config, IReadOnlyList<string> sets, IReadOnlyList<string> grid, IReadOnlyList<int> seeds)
    {
        var axes = grid.Select(GridAxis.Parse).ToList();
        var twice = axes.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new UsageException($"--grid names '{twice.Key}' twice; give its values once, comma-separated.");
        if (axes.Any(a => a.Key == "seed") && seeds.Count > 0)
            throw new UsageException("--grid seed=… and --seeds both set the seed; use --seeds.");
        if (seeds.Distinct().Count() != seeds.Count) throw new UsageException("--seeds names a seed twice; each seed makes one run per grid point.");
        return new SweepSpec(config is null ? null : Path.GetFullPath(config), sets, axes, seeds);
    }

    /// <summary>
    /// The first flag in which <paramref name="other"/> (a new command) differs from this (the sweep in
    /// the folder), said as a sentence, or null when they ask for the same sweep.
    /// </summary>
    public string? Difference(SweepSpec other)
    {
        static string Show(IEnumerable<string> words, string flag) =>
            words.Any() ? string.Join(' ', words.Select(w => $"{flag} {w}")) : $"no {flag}";
        if (Config != other.Config) return $"--config {Config ?? "(none)"} in the sweep, {other.Config ?? "(none)"} in this command";
        if (!Sets.SequenceEqual(other.Sets)) return $"the sweep has {Show(Sets, "--set")}, this command {Show(other.Sets, "--set")}";
        if (!Grid.Select(a => a.ToString()).SequenceEqual(other.Grid.Select(a => a.ToString())))
            return $"the sweep has {Show(Grid.Select(a => a.ToString()), "--grid")}, this command {Show(other.Grid.Select(a => a.ToString()), "--grid")}";
        if (!Seeds.SequenceEqual(other.Seeds))
            return $"the sweep has {(Seeds.Count > 0 ? "--seeds " + string.Join(',', Seeds) : "no --seeds")}, this command {(other.Seeds.Count > 0 ? "--seeds " + string.Join(',', other.Seeds) : "no --seeds")}";
        return null;
    }

    public void Save(string sweepDir)
    {
        var stored = new Stored(Config, [.. Sets], Grid.Select(a => a.ToString()).ToList(), [.. Seeds]);
        File.WriteAllText(Path.Combine(sweepDir, FileName), JsonSerializer.Serialize(stored, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The sweep saved in <paramref name="sweepDir"/>, or null when the folder holds none.</summary>
    public static SweepSpec? Load(string sweepDir)
    {
        var path = Path.Combine(sweepDir, FileName);
        if (!File.Exists(path)) return null;
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{path}' is not a sweep file jepa wrote ({e.Message.TrimEnd('.')}).", e);
        }
        if (stored is null) throw new UsageException($"'{path}' is not a sweep file jepa wrote.");
        return new SweepSpec(stored.Config, stored.Sets ?? [], (stored.Grid ?? []).Select(GridAxis.Parse).ToList(), stored.Seeds ?? []);
    }
}
