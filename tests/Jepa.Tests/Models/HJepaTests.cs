using Jepa.Config;
using Jepa.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

public class HJepaTests
{
    private static ModelSpec Tiny(int dim = 32, int stride = 8) =>
        new(Dim: dim, Depth: 1, Heads: 2, PredictorDim: 32, PredictorDepth: 1, Level2Depth: 1, StemStride: stride,
            MlpRatio: 2, Horizon: 2, Chunk: 2, Level2Pool: 2, Level2Horizon: 1);

    [Fact]
    public void Forward_gives_finite_losses_and_predictions_of_the_right_shape()
    {
        manual_seed(1);
        using var model = new HJepa(Tiny(), size: 32, frames: 4);
        var x = randn([2, 4, 3, 32, 32]);
        var output = model.Forward(x);
        Assert.Equal(new long[] { 2, 4, 16, 32 }, output.Level1.Targets.shape);
        Assert.Equal(new long[] { 2, 3, 16, 32 }, output.Level1.Predictions[0].shape);
        Assert.Equal(new long[] { 2, 2, 16, 32 }, output.Level1.Predictions[1].shape);
        Assert.Equal(new long[] { 2, 2, 4, 32 }, output.Level2.Targets.shape);
        Assert.Equal(new long[] { 2, 1, 4, 32 }, output.Level2.Predictions[0].shape);
        var loss = JepaLoss.Compute(output, new LossConfig { Variance = 1, Covariance = 1 });
        Assert.True(float.IsFinite(loss.Total.item<float>()));
    }
}
