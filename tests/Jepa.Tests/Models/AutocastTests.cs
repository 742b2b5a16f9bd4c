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
        using var scope = NewDisposeScope(); // temporaries stay reachable: none is finalised mid-call (HJepaTests)
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
    public void Emulated_bf16_ops_return_what_bf16_ops_return_to_the_last_bit_where_fp32_differs()
    {
        Jepa.Runtime.LibStdCxxFix.Ensure(); // torch's first call may come before any of our types is touched
        manual_seed(13);
        using var linear = nn.Linear(96, 384);
        using var conv = nn.Conv2d(3, 24, 3, stride: 2, padding: 1); // as Autocast.Conv is called below, so fp32 runs the same conv
        var x = randn([256, 96]);
        var image = randn([8, 3, 32, 32]);

        (Tensor Linear, Tensor Conv) Run(ScalarType? type, bool emulated)
        {
            using var scope = Autocast.Enter(type, emulated);
            return (Autocast.Linear(linear, x).to_type(ScalarType.Float32), Autocast.Conv(conv, image, 2, 1).to_type(ScalarType.Float32));
        }
        var fp32 = Run(null, false);
        var bf16 = Run(ScalarType.BFloat16, false);
        var emulated = Run(ScalarType.BFloat16, true);

        double Same(Tensor a, Tensor b) => a.eq(b).to_type(ScalarType.Float32).mean().item<float>();
        // The two differ only where fp32 sums in another order cross a bf16 rounding boundary: one last bit, rarely.
        foreach (var (name, e, b, f) in new[] { ("linear", emulated.Linear, bf16.Linear, fp32.Linear), ("conv", emulated.Conv, bf16.Conv, fp32.Conv) })
        {
            Assert.True(Same(e, b) >= 0.95, $"{name}: emulated equals bf16 in {Same(e, b):P1} of elements");
            Assert.True(((e - b).abs() <= b.abs() * (1.0 / 128) + 1e-6).all().item<bool>(), $"{name}: more than one bf16 step apart");
            Assert.True(Same(f, b) <= 0.05, $"{name}: fp32 equals bf16 in {Same(f, b):P1} of elements: nothing was rounded");
        }
    }

    [Fact]
    public void An_emulated_bf16_model_stays_close_to_fp32_and_trains_fp32_parameters()
    {
        manual_seed(14);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        using var scope = NewDisposeScope(); // temporaries stay reachable: none is finalised mid-call (HJepaTests)
        var clips = randn([2, 4, 3, 32, 32]);
        var losses = new LossConfig { Variance = 1, Covariance = 0.04 };
        var full = JepaLoss.Compute(model.Forward(clips), losses).Total.item<float>();
        LossTerms emulated;
        using (Autocast.Enter(ScalarType.BFloat16, emulated: true))
        {
            Assert.True(Autocast.Emulated);
            emulated = JepaLoss.Compute(model.Forward(clips), losses);
        }
        emulated.Total.backward();
        float m = emulated.Total.item<float>();
        Assert.True(m != full, "emulated bf16 rounds nothing");
        Assert.True(Math.Abs(full - m) <= 0.02 * Math.Abs(full), $"fp32 loss {full}, emulated bf16 loss {m}");
        Assert.False(Autocast.Emulated);
        foreach (var (name, p) in model.TrainableParameters())
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.grad is null || p.grad.dtype == ScalarType.Float32 && p.grad.isfinite().all().item<bool>(), $"{name}: bad gradient");
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
