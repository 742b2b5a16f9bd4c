using Jepa.Config;
using Jepa.Models;
using Jepa.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

/// <summary>The one-kernel EMA over flat buffers equals the per-parameter one, before and after a checkpoint restore.</summary>
public class FlatEmaTests
{
    private static HJepa Trained(int seed, bool flat)
    {
        manual_seed(seed);
        var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        if (flat) model.FlattenForEma();
        using var optimizer = Optimizers.Create(model, 1e-2, 0.04);
        for (int i = 0; i < 2; i++)
        {
            optimizer.zero_grad();
            JepaLoss.Compute(model.Forward(randn([1, 4, 3, 32, 32], generator: new Generator((ulong)(100 + i)))), new LossConfig()).Total.backward();
            optimizer.step();
            model.UpdateTarget(0.9);
        }
        return model;
    }

    private static void AssertSameWeights(HJepa a, HJepa b)
    {
        foreach (var ((name, x), (_, y)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(x.allclose(y, rtol: 1e-6, atol: 1e-7), name);
    }

    [Fact]
    public void The_flat_ema_moves_the_target_exactly_as_the_per_parameter_ema()
    {
        using var plain = Trained(5, flat: false);
        using var flat = Trained(5, flat: true);
        AssertSameWeights(plain, flat);
        Assert.False(plain.named_parameters().Where(p => p.name.StartsWith("target", StringComparison.Ordinal))
            .Zip(plain.named_parameters().Where(p => p.name.StartsWith("online", StringComparison.Ordinal)))
            .All(p => p.First.parameter.allclose(p.Second.parameter)), "the target must lag the online network");
    }

    [Fact]
    public void After_a_checkpoint_restore_the_flat_ema_still_moves_the_targets_weights()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jepa-flat-ema-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "a.ckpt");
        using (var source = Trained(6, flat: false))
        {
            using var opt = Optimizers.Create(source, 1e-2, 0.04);
            Checkpoint.Save(file, new JepaConfig(), 2, source, opt);
        }

        manual_seed(99);
        using var restored = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        restored.FlattenForEma();
        using var optimizer = Optimizers.Create(restored, 1e-2, 0.04);
        Checkpoint.Restore(file, restored, optimizer);
        using var reference = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        using var referenceOptimizer = Optimizers.Create(reference, 1e-2, 0.04);
        Checkpoint.Restore(file, reference, referenceOptimizer);

        restored.UpdateTarget(0.5);
        reference.UpdateTarget(0.5);

        AssertSameWeights(reference, restored);
    }
}
