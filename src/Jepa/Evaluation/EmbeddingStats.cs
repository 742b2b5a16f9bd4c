using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>Collapse measures of a set of embeddings.</summary>
public static class EmbeddingStats
{
    /// <summary>
    /// Effective rank: exp of the entropy of the normalised singular values of the centred matrix
    /// (Roy &amp; Vetterli 2007). D for isotropic embeddings, 1 when everything lies on a line.
    /// </summary>
    /// <param name="x">[M, D], one embedding per row</param>
    public static double EffectiveRank(Tensor x)
    {
        using var scope = NewDisposeScope();
        var centred = x.to_type(ScalarType.Float64) - x.to_type(ScalarType.Float64).mean([0], keepdim: true);
        var s = linalg.svdvals(centred);
        var p = s / s.sum().clamp_min(1e-12);
        var entropy = -(p * (p + 1e-12).log()).sum();
        return entropy.exp().item<double>();
    }

    /// <summary>Mean over dimensions of each dimension's standard deviation across rows.</summary>
    public static double MeanStd(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.to_type(ScalarType.Float64).std(0).mean().item<double>();
    }
}
