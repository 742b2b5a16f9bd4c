using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class ProbeTests
{
    [Fact]
    public void A_linear_probe_reads_a_linearly_separable_label_and_an_attentive_probe_finds_the_one_token_that_carries_it()
    {
        manual_seed(0);
        int m = 120;
        var targets = Enumerable.Range(0, m).Select(i => i % 3).ToArray();
        var isTrain = Enumerable.Range(0, m).Select(i => i % 4 != 0).ToArray();
        // [M, 6 tokens, 8 dims] of noise; token 2's first dims hold a one-hot of the class.
        var tokens = randn(m, 6, 8) * 0.3;
        for (int i = 0; i < m; i++) tokens[i, 2, targets[i]] += 3;

        Assert.True(Probes.Linear(tokens, targets, isTrain, 3, seed: 1) >= 0.9);
        Assert.True(Probes.Attentive(tokens, targets, isTrain, 3, seed: 1) >= 0.9);
        // Labels that the features do not carry stay near chance.
        var shuffled = targets.Select((_, i) => (i * 7 + i / 5) % 3).ToArray();
        Assert.True(Probes.Linear(randn(m, 6, 8), shuffled, isTrain, 3, seed: 1) < 0.7);
    }

    [Fact]
    public async Task Probes_cover_every_label_level_feature_kind_and_probe_beside_a_random_model()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "probe-physics");
        var manifest = SynthPhysicsSet.GeneratePhysics(dir, new SynthOptions { TrainCount = 12, ValCount = 0, Seconds = 0.5, Fps = 8, Size = 32, Seed = 2 }).ManifestPath;
        var set = await ProbeSet.LoadAsync(manifest, ["label", "direction"], frames: 4, fps: 8, size: 32, seed: 0, CancellationToken.None);
        manual_seed(3);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        using var random = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);

        var report = ProbeEvaluator.Evaluate(model, random, set, batchSize: 8, seed: 0, CPU);

        Assert.Equal(2 * 2 * ProbeFeatures.Kinds.Count * 2, report.Probe.Labels.Count);
        Assert.Equal(12, report.Probe.TrainClips + report.Probe.TestClips);
        Assert.All(report.Probe.Labels, r =>
        {
            Assert.InRange(r.Accuracy, 0, 1);
            Assert.InRange(r.RandomEncoderAccuracy, 0, 1);
        });
        Assert.Contains(report.Probe.Labels, r => r is { Label: "direction", Level: 2, Features: "context", Probe: "attentive" });
    }

    [Fact]
    public async Task A_label_column_the_videos_do_not_have_is_a_usage_error_listing_the_columns()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "probe-physics-labels");
        var manifest = SynthPhysicsSet.GeneratePhysics(dir, new SynthOptions { TrainCount = 2, ValCount = 0, Seconds = 0.5, Fps = 8, Size = 32 }).ManifestPath;

        var e = await Assert.ThrowsAsync<Jepa.Config.UsageException>(() => ProbeSet.LoadAsync(manifest, ["weight"], 4, 8, 32, 0, CancellationToken.None));
        Assert.Contains("'weight' is not a column", e.Message);
        Assert.Contains("direction", e.Message);
    }
}
