using System.Globalization;
using System.Text;
using Jepa.Config;

namespace Jepa.Sweeps;

/// <summary>
/// The runs a sweep expands into: every combination of the grid's values, times every seed, each a
/// resolved config. Written as <c>sweep.json</c>, <c>sweep.csv</c> (one row per run) and one
/// <c>runs/NAME/config.yaml</c> per run.
/// </summary>
public sealed class SweepPlan
{
    public const string ListFile = "sweep.csv";

    public string Dir { get; }
    public SweepSpec Spec { get; }
    public IReadOnlyList<SweepRun> Runs { get; }

    private SweepPlan(string dir, SweepSpec spec, IReadOnlyList<SweepRun> runs)
    {
        Dir = dir;
        Spec = spec;
        Runs = runs;
    }

    /// <summary>
    /// Expands <paramref name="spec"/> into runs under <paramref name="dir"/>, loading and validating each
    /// run's config unless <paramref name="validate"/> is false (a bad grid value stops here, before
    /// anything is written).
    /// </summary>
    public static SweepPlan Expand(string dir, SweepSpec spec, bool validate = true)
    {
        dir = Path.GetFullPath(dir);
        IEnumerable<List<KeyValuePair<string, string>>> points = [[]];
        foreach (var axis in spec.Grid)
            points = points.SelectMany(p => axis.Values.Select(v => new List<KeyValuePair<string, string>>(p) { new(axis.Key, v) }));
        if (spec.Seeds.Count > 0)
            points = points.SelectMany(p => spec.Seeds.Select(s => new List<KeyValuePair<string, string>>(p) { new("seed", s.ToString(CultureInfo.InvariantCulture)) }));

        var runs = new List<SweepRun>();
        foreach (var point in points)
        {
            var name = point.Count == 0 ? "base" : string.Join('_', point.Select(v => Safe(v.Key) + "-" + Safe(v.Value)));
            var run = new SweepRun(name, point, Path.Combine(dir, "runs", name));
            if (validate) ConfigLoader.Load(spec.Config, [.. spec.Sets, .. run.Sets]);
            runs.Add(run);
        }
        var clash = runs.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new UsageException($"two runs of this sweep would both be named '{clash.Key}'; use grid values that differ in letters or digits.");
        return new SweepPlan(dir, spec, runs);
    }

    /// <summary>
    /// Writes the plan: sweep.json and sweep.csv, and each run's resolved config unless the run already has
    /// one (a continued sweep keeps the configs its runs started with). Relative paths given with --set
    /// start at <paramref name="workingDir"/> and are written absolute, so the runs read the same videos
    /// from anywhere.
    /// </summary>
    public void Write(string workingDir)
    {
        Directory.CreateDirectory(Dir);
        Spec.Save(Dir);
        foreach (var run in Runs)
        {
            if (File.Exists(run.ConfigPath)) continue;
            Directory.CreateDirectory(run.Dir);
            var config = ConfigPaths.Absolute(ConfigLoader.Load(Spec.Config, [.. Spec.Sets, .. run.Sets]), workingDir);
            // Written whole or not at all: a sweep killed here must not leave a run with half a config.
            File.WriteAllText(run.ConfigPath + ".tmp", ConfigLoader.ToYaml(config));
            File.Move(run.ConfigPath + ".tmp", run.ConfigPath, overwrite: true);
        }
        var keys = Spec.Grid.Select(a => a.Key).Concat(Spec.Seeds.Count > 0 ? ["seed"] : []).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', new[] { "name" }.Concat(keys).Append("run_dir").Select(Csv.Field)));
        foreach (var run in Runs)
            csv.AppendLine(string.Join(',', new[] { run.Name }.Concat(run.Values.Select(v => v.Value)).Append(run.Dir).Select(Csv.Field)));
        File.WriteAllText(Path.Combine(Dir, ListFile), csv.ToString());
    }

    /// <summary>
    /// The plan saved in <paramref name="dir"/> by an earlier <see cref="Write"/>; the base config file is
    /// not read again (it may have changed or gone since: each run keeps its own config.yaml).
    /// </summary>
    public static SweepPlan Load(string dir)
    {
        dir = Path.GetFullPath(dir);
        var spec = SweepSpec.Load(dir) ?? throw new UsageException($"'{dir}' holds no sweep ({SweepSpec.FileName} is missing); start one with jepa sweep --out.");
        return Expand(dir, spec, validate: false);
    }

    // Run names are folder names: letters, digits, '.', '-' and nothing a shell or file system trips on.
    private static string Safe(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
}
