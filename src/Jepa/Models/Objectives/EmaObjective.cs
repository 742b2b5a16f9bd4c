using Jepa.Config;

namespace Jepa.Models.Objectives;

/// <summary>
/// The default and the design's own: L1 of the predictions against layer-normed targets of the EMA
/// copy under stop-gradient (V-JEPA), plus VICReg variance and covariance on the online embeddings when
/// train.loss.variance / covariance are above 0. Exactly <see cref="JepaLoss.Compute"/>, as before
/// objectives existed.
/// </summary>
public sealed class EmaObjective(LossConfig weights) : IObjective
{
    public string Name => "ema";
    public bool UsesEma => true;
    public LossTerms Loss(JepaOutput output) => JepaLoss.Compute(output, weights);
}
