namespace Jepa.Config;

/// <summary>The training objectives <c>train.objective</c> names (issue 15), in the order tables list them.</summary>
public static class ObjectiveNames
{
    /// <summary>ema is the default: today's EMA target with stop-gradient (optional VICReg terms).</summary>
    public static readonly IReadOnlyList<string> All = ["ema", "vicreg", "barlow", "infonce", "pixel", "none"];

    /// <summary>The name trimmed and in lower case ("VICReg" → "vicreg"), or null when it names no objective.</summary>
    public static string? Normalise(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return All.Contains(lower) ? lower : null;
    }

    /// <summary>The normalised name of a config that passed validation.</summary>
    public static string Of(JepaConfig config) =>
        Normalise(config.Train.Objective) ?? throw new UsageException($"'train.objective' is {ConfigScalars.Show(config.Train.Objective)}; use one of {string.Join(", ", All)}.");
}
