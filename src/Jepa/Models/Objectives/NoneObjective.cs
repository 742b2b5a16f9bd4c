using Jepa.Config;

namespace Jepa.Models.Objectives;

/// <summary>
/// No EMA and no regulariser: L1 of the predictions against the online encoders' own layer-normed
/// embeddings, gradient through both. An encoder that maps every clip to the same embeddings makes
/// this loss zero, so it is the collapse the other objectives prevent, shown by the collapse monitor.
/// train.loss.variance / covariance are ignored here (with them it would be vicreg).
/// </summary>
public sealed class NoneObjective(LossConfig weights) : IObjective
{
    public string Name => "none";
    public bool UsesEma => false;

    public LossTerms Loss(JepaOutput output) =>
        JepaLoss.Compute(output, weights with { Variance = 0, Covariance = 0 });
}
