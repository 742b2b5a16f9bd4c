using Jepa.Config;
using Jepa.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

/// <summary>bf16 by hand (train.precision: bf16): the same model, close results, fp32 parameters and gradients.</summary>
public class AutocastTests
{
    [Fact]
    public void A_bf16_forward_stays_close_to_fp32_and_backward_gives_fp32_gradients_on_every_parameter()
    {
        manual_seed(11);
        using var model = new HJepa(HJepaTests.Tiny() with { StemBlur = true }, size: 32, frames: 4);
        using var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Param), lr: 1e-2);
        var clips = randn([2, 4, 3, 32, 32]);
        var losses = new LossConfig { Variance = 1, Covariance = 0.04 };
        // One step in fp32 first: the zero-initialised heads pass no gradient below them until they move.
        JepaLoss.Compute(model.Forward(clips), losses).Total.backward();
        optimizer.step();
        optimizer.zero_grad();

        var full = JepaLoss.Compute(model.Forward(clips), losses);
        LossTerms mixed;
        using (Autocast.Enter(ScalarType.BFloat16))
            mixed = JepaLoss.Compute(model.Forward(clips), losses);
        mixed.Total.backward();

        float f = full.Total.item<float>(), m = mixed.Total.item<float>();
        Assert.True(float.IsFinite(m));
        Assert.True(Math.Abs(f - m) <= 0.02 * Math.Abs(f), $"fp32 loss {f}, bf16 loss {m}");
        Assert.Equal(ScalarType.Float32, mixed.Total.dtype);
        foreach (var (name, p) in model.TrainableParameters())
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.grad is not null && p.grad.dtype == ScalarType.Float32, $"{name}: no fp32 gradient");
            Assert.True(p.grad!.isfinite().all().item<bool>(), $"{name}: non-finite gradient");
        }
    }

    [Fact]
    public void Outside_a_bf16_scope_the_model_computes_in_fp32_exactly_as_before()
    {
        manual_seed(12);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        var clips = randn([1, 4, 3, 32, 32]);
        var before = model.Forward(clips).Level1.Online;
        using (Autocast.Enter(ScalarType.BFloat16)) model.Forward(clips);
        var after = model.Forward(clips).Level1.Online;

        Assert.Null(Autocast.Compute);
        Assert.True(before.allclose(after, rtol: 0, atol: 0));
    }
}
