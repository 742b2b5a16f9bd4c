using Jepa.Config;
using Jepa.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

public class HJepaTests
{
    internal static ModelSpec Tiny(int stride = 8) =>
        new(Dim: 32, Depth: 1, Heads: 2, PredictorDim: 32, PredictorDepth: 1, Level2Depth: 1, StemStride: stride,
            MlpRatio: 2, Horizon: 2, Chunk: 2, Level2Pool: 2, Level2Horizon: 1);

    [Fact]
    public void Forward_gives_predictions_of_the_right_shape_for_every_level_and_horizon()
    {
        manual_seed(1);
        using var model = new HJepa(Tiny(), size: 32, frames: 4);
        var output = model.Forward(randn([2, 4, 3, 32, 32]));
        Assert.Equal(new long[] { 2, 4, 16, 32 }, output.Level1.Targets.shape);
        Assert.Equal(new long[] { 2, 3, 16, 32 }, output.Level1.Predictions[0].shape);
        Assert.Equal(new long[] { 2, 2, 16, 32 }, output.Level1.Predictions[1].shape);
        Assert.Equal(new long[] { 2, 2, 4, 32 }, output.Level2.Targets.shape);
        Assert.Equal(new long[] { 2, 1, 4, 32 }, output.Level2.Predictions[0].shape);
    }

    [Fact]
    public void An_untrained_model_predicts_exactly_persistence()
    {
        // The predictor's heads start at zero and predict a change added to the last seen target.
        manual_seed(2);
        using var model = new HJepa(Tiny(), size: 32, frames: 4);
        var output = model.Forward(randn([2, 4, 3, 32, 32]));
        foreach (var level in output.Levels)
            for (int k = 1; k <= level.Predictions.Length; k++)
                Assert.True(level.Predictions[k - 1].allclose(level.PersistenceFor(k)));
    }

    [Theory]
    [InlineData("tiny", 64, 4)]
    [InlineData("small", 64, 4)]
    [InlineData("base", 32, 4)]
    [InlineData("large", 32, 4)]
    public void Every_preset_runs_forward_and_backward_with_finite_values_and_gradients_on_every_parameter(string preset, int size, int frames)
    {
        manual_seed(3);
        var spec = Presets.Resolve(new ModelConfig { Preset = preset, Horizon = 1, Chunk = 2, Level2Pool = 1 });
        using var model = new HJepa(spec, size, frames);
        // One optimiser step first: the zero-initialised heads block gradients to everything below
        // them until they have moved, so gradients reaching every parameter is checked on step two.
        using var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Param), lr: 1e-3);
        // Every tensor made here stays reachable in the scope until the end: a temporary TorchSharp wrapper
        // (p.grad in a chain) can otherwise be finalised on the GC's thread while libtorch still reads it
        // (CI saw "tensor does not have a device" once, on the large preset's long isfinite).
        using var scope = NewDisposeScope();
        for (int step = 0; step < 2; step++)
        {
            optimizer.zero_grad();
            var loss = JepaLoss.Compute(model.Forward(randn([1, frames, 3, size, size])), new LossConfig { Variance = 1, Covariance = 0.04 });
            Assert.True(float.IsFinite(loss.Total.item<float>()), $"{preset}: loss {loss.Total.item<float>()}");
            loss.Total.backward();
            if (step == 0) optimizer.step();
        }
        foreach (var (name, p) in model.TrainableParameters())
        {
            Assert.True(p.grad is not null, $"{preset}: {name} got no gradient");
            Assert.True(p.grad!.isfinite().all().item<bool>(), $"{preset}: {name} has a non-finite gradient");
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{preset}: {name} has an all-zero gradient");
        }
    }

    [Fact]
    public void Changing_future_frames_does_not_change_predictions_made_from_the_past()
    {
        manual_seed(4);
        var spec = Tiny() with { Horizon = 1 };
        using var model = new HJepa(spec, size: 32, frames: 6);
        Perturb(model);
        model.eval();
        var clip = randn([1, 6, 3, 32, 32]);
        var changed = clip.clone();
        changed[.., 4..] = randn([1, 2, 3, 32, 32]); // frames 4 and 5 (level-2 chunk 2) change

        using var _ = no_grad();
        var a = model.Forward(clip);
        var b = model.Forward(changed);
        // Level 1: predictions made from frames ≤ t for t = 0..3 must not move.
        Assert.True(a.Level1.Predictions[0].narrow(1, 0, 4).allclose(b.Level1.Predictions[0].narrow(1, 0, 4), rtol: 0, atol: 1e-6));
        // The prediction made from frame 4 must see frame 4: the test would pass vacuously otherwise.
        Assert.False(a.Level1.Predictions[0].narrow(1, 4, 1).allclose(b.Level1.Predictions[0].narrow(1, 4, 1), rtol: 0, atol: 1e-6));
        // Level 2: the prediction made from chunks 0..1 (frames 0..3) must not move.
        Assert.True(a.Level2.Predictions[0].narrow(1, 0, 2).allclose(b.Level2.Predictions[0].narrow(1, 0, 2), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Ema_update_moves_the_target_toward_the_online_weights()
    {
        manual_seed(5);
        using var model = new HJepa(Tiny(), size: 32, frames: 4);
        Perturb(model);
        var before = Distance(model);
        model.UpdateTarget(0.5);
        Assert.True(Distance(model) < before * 0.6, "half-way EMA should halve the distance");
        model.UpdateTarget(1.0);
        var unchanged = Distance(model);
        model.UpdateTarget(1.0);
        Assert.Equal(unchanged, Distance(model), 6);
    }

    /// <summary>Moves every online weight and predictor head a little, so predictions depend on the input.</summary>
    internal static void Perturb(HJepa model)
    {
        using var _ = no_grad();
        foreach (var (_, p) in model.TrainableParameters()) p.add_(randn_like(p) * 0.05);
    }

    private static double Distance(HJepa model)
    {
        var online = model.named_parameters().Where(p => p.name.StartsWith("online.")).ToDictionary(p => p.name["online.".Length..], p => p.parameter);
        double sum = 0;
        foreach (var (name, t) in model.named_parameters().Where(p => p.name.StartsWith("target.")))
            sum += (t - online[name["target.".Length..]]).abs().sum().item<float>();
        return sum;
    }
}
