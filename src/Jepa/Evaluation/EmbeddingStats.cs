using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>Collapse measures of a set of embeddings.</summary>
public static class EmbeddingStats
{
    /// <summary>
    /// Std across rows below which a principal direction counts as dead, in the embeddings' own units.
    /// The online embeddings leave a LayerNorm (weight initialised to 1), so each token has unit variance
    /// across dims and a direction that carries information spreads on the order of 1: every objective
    /// that did not collapse measured a mean per-dim std of 0.66–0.98 on bouncing and 0.08–0.99 on
    /// physics, while <c>train.objective: none</c> shrank to 0.0067 / 0.0010 (levels 1 / 2). 0.05 is a
    /// twentieth of the healthy scale: well below every healthy run, ~7x above the collapsed one.
    /// </summary>
    public const double DeadStd = 0.05;

    /// <summary>
    /// Effective rank: exp of the entropy of the normalised singular values of the centred matrix
    /// (Roy &amp; Vetterli 2007). D for isotropic embeddings, 1 when everything lies on a line. Scale-free:
    /// a cloud shrunk to a point keeps its rank, which is why <see cref="LiveDirections"/> exists.
    /// </summary>
    /// <param name="x">[M, D], one embedding per row</param>
    public static double EffectiveRank(Tensor x)
    {
        using var scope = NewDisposeScope();
        var s = linalg.svdvals(Centred(x));
        var p = s / s.sum().clamp_min(1e-12);
        var entropy = -(p * (p + 1e-12).log()).sum();
        return entropy.exp().item<double>();
    }

    /// <summary>
    /// Live directions: how many principal directions of the centred rows spread with a std of at least
    /// <paramref name="minStd"/> (default <see cref="DeadStd"/>). D for a healthy isotropic cloud, 0 for
    /// one shrunk towards a point: unlike the effective rank, it sees scale.
    /// </summary>
    /// <param name="x">[M, D], one embedding per row (M ≥ 2)</param>
    public static int LiveDirections(Tensor x, double minStd = DeadStd)
    {
        using var scope = NewDisposeScope();
        // The std along the i-th principal direction is s_i / sqrt(M − 1).
        var std = linalg.svdvals(Centred(x)) / Math.Sqrt(Math.Max(1, x.shape[0] - 1));
        return (int)(std >= minStd).sum().item<long>();
    }

    /// <summary>Mean over dimensions of each dimension's standard deviation across rows.</summary>
    public static double MeanStd(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.to_type(ScalarType.Float64).std(0).mean().item<double>();
    }

    private static Tensor Centred(Tensor x)
    {
        var d = x.to_type(ScalarType.Float64);
        return d - d.mean([0], keepdim: true);
    }
}
