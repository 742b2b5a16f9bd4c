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
}
