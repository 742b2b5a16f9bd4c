using Jepa.Models;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

public class JepaLossTests
{
    [Fact]
    public void VicReg_variance_is_zero_for_unit_spread_and_one_for_collapsed_embeddings()
    {
        var spread = randn([4096, 8]) * 3;
        var (vSpread, _) = JepaLoss.VicReg(spread);
        Assert.True(vSpread.item<float>() < 1e-3);

        var collapsed = ones([64, 8]);
        var (vCollapsed, cCollapsed) = JepaLoss.VicReg(collapsed);
        Assert.InRange(vCollapsed.item<float>(), 0.98f, 1.0f);
        Assert.InRange(cCollapsed.item<float>(), 0f, 1e-6f);
    }

    [Fact]
    public void VicReg_covariance_penalises_correlated_dimensions()
    {
        var independent = randn([4096, 4]);
        var a = randn([4096, 1]);
        var correlated = cat([a, a, a, a], 1);
        Assert.True(JepaLoss.VicReg(correlated).Covariance.item<float>() > 10 * JepaLoss.VicReg(independent).Covariance.item<float>());
    }
}
