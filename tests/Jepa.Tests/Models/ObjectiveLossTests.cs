using Jepa.Config;
using Jepa.Models;
using Jepa.Models.Objectives;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

/// <summary>Each objective's loss on hand-made tensors against a direct computation (issue 15).</summary>
public class ObjectiveLossTests
{
    // Columns of a 4×4 Hadamard matrix without its all-ones column: zero mean, unit (population)
    // variance and orthogonal, so four samples of three standardised, uncorrelated dimensions.
    private static Tensor Hadamard() => tensor(new float[] { 1, 1, 1, -1, 1, -1, 1, -1, -1, -1, -1, 1 }).reshape(4, 3);

    /// <summary>The same hand-made level at both levels, horizon 1: online and targets [B, S, N, D], prediction [B, S-1, N, D].</summary>
    private static JepaOutput Output(Tensor online, Tensor targets, Tensor prediction)
    {
        var level = new LevelOutput(online, targets, [prediction]);
        return new JepaOutput(level, level);
    }

    [Fact]
    public void Barlow_cross_correlation_of_identical_standardised_embeddings_is_the_identity_and_the_loss_is_zero()
    {
        var x = Hadamard();
        var c = BarlowObjective.CrossCorrelation(x, x);
        Assert.True(c.allclose(eye(3), atol: 1e-4), c.ToString(TorchSharp.TensorStringStyle.Julia));
        Assert.InRange(BarlowObjective.Barlow(x, x, 0.0051).item<float>(), 0f, 1e-6f);
        // Scaling and shifting one side changes nothing: each dimension is standardised.
        Assert.InRange(BarlowObjective.Barlow(x * 5 + 2, x, 0.0051).item<float>(), 0f, 1e-6f);
    }

    [Fact]
    public void Barlow_loss_matches_a_direct_computation_on_random_embeddings()
    {
        manual_seed(1);
        var p = randn([2, 5, 3, 4]);
        var t = randn([2, 5, 3, 4]) + p;
        double lambda = 0.3;
        var a = Rows(p);
        var b = Rows(t);
        int n = a.Length, d = a[0].Length;
        double[] Standardise(double[][] m, int j)
        {
            double mean = m.Average(r => r[j]);
            double std = Math.Sqrt(m.Average(r => (r[j] - mean) * (r[j] - mean)) + 1e-5);
            return m.Select(r => (r[j] - mean) / std).ToArray();
        }
        double expected = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                var x = Standardise(a, i);
                var y = Standardise(b, j);
                double cij = x.Zip(y, (u, v) => u * v).Sum() / n;
                expected += i == j ? (1 - cij) * (1 - cij) : lambda * cij * cij;
            }
        Assert.Equal(expected, BarlowObjective.Barlow(p, t, lambda).item<float>(), 4);
    }

    [Fact]
    public void InfoNce_of_predictions_orthogonal_to_every_target_is_log_of_the_batch_at_temperature_1()
    {
        // 4 predictions e0..e3, 4 targets e4..e7: every similarity 0, every target equally likely.
        var basis = eye(8);
        var p = basis.narrow(0, 0, 4);
        var t = basis.narrow(0, 4, 4);
        Assert.Equal(Math.Log(4), InfoNceObjective.InfoNce(p, t, 1.0).item<float>(), 5);
    }

    [Fact]
    public void InfoNce_of_orthonormal_predictions_equal_to_their_targets_matches_the_softmax_by_hand()
    {
        // Own target: cosine 1; the M-1 others: 0. −log(e^{1/τ} / (e^{1/τ} + M − 1)).
        var x = eye(6).narrow(0, 0, 5) * 3; // length does not matter: cosine similarity
        foreach (var tau in new[] { 1.0, 0.1 })
            Assert.Equal(Math.Log(1 + 4 * Math.Exp(-1 / tau)), InfoNceObjective.InfoNce(x, x, tau).item<float>(), 5);
    }

    [Fact]
    public void InfoNce_matches_a_direct_computation_on_random_embeddings()
    {
        manual_seed(2);
        var p = randn([3, 2, 4]);
        var t = randn([3, 2, 4]);
        var a = Rows(p).Select(Unit).ToArray();
        var b = Rows(t).Select(Unit).ToArray();
        double tau = 0.5, expected = 0;
        for (int i = 0; i < a.Length; i++)
        {
            var logits = b.Select(row => row.Zip(a[i], (u, v) => u * v).Sum() / tau).ToArray();
            expected += Math.Log(logits.Sum(Math.Exp)) - logits[i];
        }
        Assert.Equal(expected / a.Length, InfoNceObjective.InfoNce(p, t, tau).item<float>(), 4);
    }

    [Fact]
    public void VicReg_objective_is_zero_when_predictions_match_and_every_dimension_has_std_of_at_least_1()
    {
        // 4 clips of 2 steps of 1 token: std 2 ≥ 1 in every dimension, uncorrelated.
        var online = stack([Hadamard(), Hadamard()], 1).unsqueeze(2) * 2; // [4, 2, 1, 3]
        var next = online.narrow(1, 1, 1);
        var terms = new VicRegObjective(new LossConfig()).Loss(Output(online, online, next));
        Assert.InRange(terms.Variance.item<float>(), 0f, 1e-6f);
        Assert.InRange(terms.Covariance.item<float>(), 0f, 1e-6f);
        Assert.InRange(terms.Total.item<float>(), 0f, 1e-6f);

        // A prediction off by 1 everywhere: invariance MSE 1, × VICReg's 25, at both levels.
        var off = new VicRegObjective(new LossConfig()).Loss(Output(online, online, next + 1));
        Assert.Equal(25.0, off.Level1.item<float>(), 4);
        Assert.Equal(50.0, off.Total.item<float>(), 4);

        // Collapsed embeddings: every std 0, variance hinge 1 per dimension (−sqrt(1e-4)), × 25 per level.
        var collapsed = ones([4, 2, 1, 3]);
        var c = new VicRegObjective(new LossConfig()).Loss(Output(collapsed, collapsed, collapsed.narrow(1, 1, 1)));
        Assert.Equal(25 * 0.99, c.Level1.item<float>(), 3);
    }

    [Fact]
    public void None_objective_is_the_L1_prediction_error_with_no_regulariser_even_when_variance_weights_are_set()
    {
        var x = ones([4, 2, 1, 3]);
        var weights = new LossConfig { Variance = 25, Covariance = 1 };
        var terms = new NoneObjective(weights).Loss(Output(x, x, x.narrow(1, 1, 1) + 0.5));
        Assert.Equal(0.5, terms.Level1.item<float>(), 5);
        Assert.Equal(1.0, terms.Total.item<float>(), 5); // two levels, no variance penalty for collapsed x
        Assert.False(new NoneObjective(weights).UsesEma);
    }

    [Fact]
    public void Ema_objective_is_todays_loss_term_for_term()
    {
        manual_seed(3);
        var online = randn([2, 3, 4, 8]);
        var targets = randn([2, 3, 4, 8]);
        var output = Output(online, targets, randn([2, 2, 4, 8]));
        var weights = new LossConfig { Variance = 0.5, Covariance = 0.1 };
        var expected = JepaLoss.Compute(output, weights);
        var actual = new EmaObjective(weights).Loss(output);
        Assert.Equal(expected.Total.item<float>(), actual.Total.item<float>());
        Assert.True(new EmaObjective(weights).UsesEma);
    }

    [Fact]
    public void Pixel_objective_target_is_the_normalised_pixel_patch_of_the_predicted_frame()
    {
        var spec = HJepaTests.Tiny(); // stride 8, level-2 pool 2, chunk 2
        manual_seed(4);
        using var model = new HJepa(spec, size: 32, frames: 4, objective: "pixel");
        var frames = randn([2, 4, 3, 32, 32]);
        var output = model.Forward(frames);
        Assert.NotNull(output.Pixels);
        var level1 = output.Pixels![0];
        Assert.Equal(new long[] { 2, 4, 16, 3 * 8 * 8 }, level1.Targets.shape);
        Assert.Equal(new long[] { 2, 3, 16, 3 * 8 * 8 }, level1.Predictions[0].shape);

        // Token 5 of frame 2 of clip 1 is row 1, column 1 of the 4×4 grid: pixels 8..15 × 8..15.
        var patch = frames[1, 2, .., 8..16, 8..16].reshape(-1);
        var normalised = (patch - patch.mean()) / ((patch - patch.mean()).pow(2).mean() + 1e-6).sqrt();
        Assert.True(level1.Targets[1, 2, 5].allclose(normalised, atol: 1e-5), $"max difference {(level1.Targets[1, 2, 5] - normalised).abs().max().item<float>()}, {level1.Targets[1, 2, 5].shape[0]} vs {normalised.shape[0]}");

        // Level 2: token 3 of chunk 1 (frames 2, 3) is the bottom-right 16×16 block of their mean frame.
        var block = ((frames[0, 2] + frames[0, 3]) / 2)[.., 16..32, 16..32].reshape(-1);
        var blockNorm = (block - block.mean()) / ((block - block.mean()).pow(2).mean() + 1e-6).sqrt();
        Assert.True(output.Pixels[1].Targets[0, 1, 3].allclose(blockNorm, atol: 1e-5));

        // The loss is the MSE of the decoded prediction against the next frame's patches.
        var terms = new PixelObjective(new LossConfig()).Loss(output);
        double direct1 = (0.5 * (nn.functional.mse_loss(level1.Predictions[0], level1.Targets[.., 1..]) +
                                 nn.functional.mse_loss(level1.Predictions[1], level1.Targets[.., 2..]))).item<float>();
        Assert.Equal(direct1, terms.Level1.item<float>(), 5);
        // And it trains the decoder, the predictors and the online encoders.
        terms.Total.backward();
        Assert.All(model.TrainableParameters(), p => Assert.NotNull(p.Param.grad));
    }

    [Fact]
    public void Objectives_without_an_ema_take_their_targets_from_the_online_encoders_with_gradient()
    {
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4, objective: "vicreg");
        var output = model.Forward(randn([2, 4, 3, 32, 32]));
        Assert.True(output.Level1.Targets.requires_grad);
        var expected = nn.functional.layer_norm(output.Level1.Online, [output.Level1.Online.shape[^1]]);
        Assert.True(output.Level1.Targets.allclose(expected, atol: 1e-6));
        using var ema = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        Assert.False(ema.Forward(randn([2, 4, 3, 32, 32])).Level1.Targets.requires_grad);
    }

    [Fact]
    public void Every_objective_name_builds_and_an_unknown_one_is_refused()
    {
        foreach (var name in ObjectiveNames.All)
            Assert.Equal(name, Objective.Create(name.ToUpperInvariant(), new LossConfig()).Name);
        Assert.Throws<ArgumentException>(() => Objective.Create("simclr", new LossConfig()));
    }

    private static double[][] Rows(Tensor x)
    {
        var flat = x.reshape(-1, x.shape[^1]);
        return Enumerable.Range(0, (int)flat.shape[0]).Select(i => flat[i].data<float>().Select(v => (double)v).ToArray()).ToArray();
    }

    private static double[] Unit(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
