using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Models.Objectives;

/// <summary>
/// VICReg without an EMA: per level, invariance (MSE of each prediction and its target, both from the
/// online encoders, gradient through both) + variance (hinge on each dimension's std at 1) + covariance
/// (squared off-diagonal covariance / dim) of the online embeddings. Weights train.loss.vicreg_invariance,
/// vicreg_variance, vicreg_covariance; VICReg's 25, 25, 1 by default.
/// </summary>
public sealed class VicRegObjective(LossConfig weights) : IObjective
{
    public string Name => "vicreg";
    public bool UsesEma => false;

    public LossTerms Loss(JepaOutput output)
    {
        var perLevel = new Tensor[2];
        Tensor? variance = null, covariance = null;
        for (int l = 0; l < 2; l++)
        {
            var level = output.Levels[l];
            var invariance = Objective.OverHorizons(level, (p, t) => nn.functional.mse_loss(p, t));
            var (v, c) = JepaLoss.VicReg(level.Online);
            perLevel[l] = invariance * weights.VicregInvariance + v * weights.VicregVariance + c * weights.VicregCovariance;
            variance = variance is null ? v : variance + v;
            covariance = covariance is null ? c : covariance + c;
        }
        var total = perLevel[0] * weights.Level1 + perLevel[1] * weights.Level2;
        return new LossTerms(total, perLevel[0], perLevel[1], variance!, covariance!);
    }
}
