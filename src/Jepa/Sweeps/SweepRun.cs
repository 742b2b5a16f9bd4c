namespace Jepa.Sweeps;

/// <summary>
/// One run of a sweep: its name (made of the grid values and seed that set it apart), the --set values
/// that make it from the base config, and its run directory, <c>SWEEP/runs/NAME</c>.
/// </summary>
public sealed record SweepRun(string Name, IReadOnlyList<KeyValuePair<string, string>> Values, string Dir)
{
    public string ConfigPath => Path.Combine(Dir, "config.yaml");

    /// <summary>key=value for each of <see cref="Values"/>, as --set takes them.</summary>
    public IEnumerable<string> Sets => Values.Select(v => $"{v.Key}={v.Value}");
}
