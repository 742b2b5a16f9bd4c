using Jepa.Evaluation;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class EmbeddingStatsTests
{
    [Fact]
    public void Effective_rank_is_near_dim_for_isotropic_and_near_one_for_collapsed_embeddings()
    {
        manual_seed(0);
        Assert.InRange(EmbeddingStats.EffectiveRank(randn([8192, 16])), 15.0, 16.0);
        var line = randn([1000, 1]) * ones([1, 16]) + randn([1000, 16]) * 1e-4;
        Assert.InRange(EmbeddingStats.EffectiveRank(line), 1.0, 1.2);
    }

    [Fact]
    public void Mean_std_is_the_mean_of_per_dimension_spreads()
    {
        manual_seed(0);
        var x = cat([randn([20000, 1]) * 1, randn([20000, 1]) * 3], 1);
        Assert.InRange(EmbeddingStats.MeanStd(x), 1.95, 2.05);
    }

    [Fact]
    public void A_cloud_shrunk_towards_a_point_has_full_effective_rank_but_no_live_directions()
    {
        manual_seed(0);
        // A healthy isotropic cloud around some point, as a LayerNorm leaves it (std 1 per dim), and the
        // same cloud shrunk to std 0.007 (what train.objective none measured): same shape, same rank.
        var centre = randn([1, 96]);
        var healthy = centre + randn([4096, 96]);
        var shrunk = centre + randn([4096, 96]) * 0.007;
        Assert.Equal(96, EmbeddingStats.LiveDirections(healthy));
        Assert.Equal(0, EmbeddingStats.LiveDirections(shrunk));
        Assert.Equal(0, EmbeddingStats.LiveDirections(randn([4096, 96]) * 0.007));
        // The effective rank cannot tell them apart; that is the blind spot the live directions fill.
        Assert.InRange(EmbeddingStats.EffectiveRank(shrunk), 90.0, 96.0);
        Assert.InRange(EmbeddingStats.EffectiveRank(healthy) - EmbeddingStats.EffectiveRank(shrunk), -0.5, 0.5);
    }

    [Fact]
    public void Live_directions_count_the_principal_directions_whose_std_reaches_the_floor()
    {
        manual_seed(0);
        // 10 directions at std 1, 20 at std 0.2, 66 at std 0.01, then rotated: the count is per principal
        // direction, not per coordinate, so the rotation changes nothing.
        var scales = cat([ones(10), full(20, 0.2f), full(66, 0.01f)]);
        var (q, _) = linalg.qr(randn([96, 96]));
        var x = (randn([8192, 96]) * scales).matmul(q);
        Assert.Equal(30, EmbeddingStats.LiveDirections(x));
        Assert.Equal(10, EmbeddingStats.LiveDirections(x, minStd: 0.5));
        Assert.Equal(96, EmbeddingStats.LiveDirections(x, minStd: 0.005));
    }
}
