using static TorchSharp.torch;

namespace Jepa.Models.Objectives;

/// <summary>
/// One training objective (train.objective): the loss of a forward pass, and whether the EMA target
/// follows the online encoders after each step. The model, data, schedule and evaluations are the same
/// for every objective; only this differs.
/// </summary>
public interface IObjective
{
    /// <summary>Its train.objective name.</summary>
    string Name { get; }

    /// <summary>True when targets come from the EMA copy, which the trainer then updates each step.</summary>
    bool UsesEma { get; }

    /// <summary>Loss terms of one forward pass of a model built for this objective; scalars on the device.</summary>
    LossTerms Loss(JepaOutput output);
}

/// <summary>The objectives by name: a switch, no registry (STYLE.md #3).</summary>
public static class Objective
{
    public static IObjective Create(string name, Config.LossConfig weights) => Config.ObjectiveNames.Normalise(name) switch
    {
        "ema" => new EmaObjective(weights),
        "vicreg" => new VicRegObjective(weights),
        "barlow" => new BarlowObjective(weights),
        "infonce" => new InfoNceObjective(weights),
        "pixel" => new PixelObjective(weights),
        "none" => new NoneObjective(weights),
        _ => throw new ArgumentException($"unknown objective '{name}'", nameof(name)),
    };

    /// <summary>Σ_levels w_l · per-level loss, with zero VICReg terms: the <see cref="LossTerms"/> of objectives without them.</summary>
    internal static LossTerms Weighted(Tensor level1, Tensor level2, Config.LossConfig weights)
    {
        var zero = zeros(1, device: level1.device).squeeze();
        return new LossTerms(level1 * weights.Level1 + level2 * weights.Level2, level1, level2, zero, zero.clone());
    }

    /// <summary>Mean over a level's horizons of <paramref name="loss"/>(prediction_k, target_k).</summary>
    internal static Tensor OverHorizons(LevelOutput level, Func<Tensor, Tensor, Tensor> loss)
    {
        Tensor? sum = null;
        for (int k = 1; k <= level.Predictions.Length; k++)
        {
            var e = loss(level.Predictions[k - 1], level.TargetFor(k));
            sum = sum is null ? e : sum + e;
        }
        return sum! / level.Predictions.Length;
    }
}
