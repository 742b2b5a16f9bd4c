using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Models.Objectives;

/// <summary>
/// Barlow Twins without an EMA: the cross-correlation matrix between predicted and target embeddings
/// (every token of every clip one sample, each dimension standardised over the samples) pushed towards
/// the identity: Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij², λ = train.loss.barlow_lambda (Barlow Twins' 0.0051).
/// The diagonal makes each prediction agree with its target; the off-diagonal decorrelates the
/// dimensions, which is what keeps the embeddings from collapsing without negatives.
/// </summary>
public sealed class BarlowObjective(LossConfig weights) : IObjective
{
    public string Name => "barlow";
    public bool UsesEma => false;

    public LossTerms Loss(JepaOutput output) => Objective.Weighted(
        Objective.OverHorizons(output.Level1, (p, t) => Barlow(p, t, weights.BarlowLambda)),
        Objective.OverHorizons(output.Level2, (p, t) => Barlow(p, t, weights.BarlowLambda)),
        weights);

    /// <summary>C [D, D]: the correlation of dimension i of <paramref name="a"/> with dimension j of <paramref name="b"/> over the samples.</summary>
    /// <param name="a">[..., D]; every leading index one sample</param>
    /// <param name="b">same shape as <paramref name="a"/></param>
    public static Tensor CrossCorrelation(Tensor a, Tensor b)
    {
        long d = a.shape[^1];
        var x = Standardise(a.reshape(-1, d));
        var y = Standardise(b.reshape(-1, d));
        return x.t().matmul(y) / x.shape[0];
    }

    /// <summary>Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij².</summary>
    public static Tensor Barlow(Tensor predictions, Tensor targets, double lambda)
    {
        var c = CrossCorrelation(predictions, targets);
        var onDiagonal = (1 - diag(c)).pow(2).sum();
        var offDiagonal = (c - diag(diag(c))).pow(2).sum();
        return onDiagonal + offDiagonal * lambda;
    }

    // Population std (divide by n), so that identical standardised inputs give C_ii = 1 exactly.
    private static Tensor Standardise(Tensor x)
    {
        var centred = x - x.mean([0], keepdim: true);
        return centred / (centred.pow(2).mean([0], keepdim: true) + 1e-5).sqrt();
    }
}
