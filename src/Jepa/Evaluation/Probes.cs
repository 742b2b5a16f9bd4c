using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>
/// Probes trained on frozen features, full batch on the CPU. Features are standardised with the
/// training clips' statistics; the regularisation is picked on a validation fifth of the training
/// clips, then the probe is refitted on all of them and scored on the test clips.
/// </summary>
public static class Probes
{
    private static readonly double[] LinearDecays = [1e-4, 1e-3, 1e-2, 1e-1, 1];
    // Attentive probes fit a few hundred clips perfectly and generalise at chance unless held hard
    // (ARCHITECTURE.md, Evaluation): strong decays only, and the number of steps picked by validation.
    private static readonly double[] AttentiveDecays = [1e-1, 1];
    private const int LinearSteps = 200, AttentiveSteps = 120, CheckEvery = 20;

    /// <summary>Softmax regression on clip-pooled features (mean over tokens).</summary>
    /// <param name="tokens">[M, L, D] features of all clips</param>
    public static double Linear(Tensor tokens, int[] targets, bool[] isTrain, int classes, int seed) =>
        Fit(tokens.mean([1]), targets, isTrain, classes, seed, LinearDecays, LinearSteps, attentive: false);

    /// <summary>One learned query cross-attending over each clip's tokens, then softmax regression.</summary>
    /// <param name="tokens">[M, L, D] features of all clips</param>
    public static double Attentive(Tensor tokens, int[] targets, bool[] isTrain, int classes, int seed) =>
        Fit(tokens, targets, isTrain, classes, seed, AttentiveDecays, AttentiveSteps, attentive: true);

    private static double Fit(Tensor x, int[] targets, bool[] isTrain, int classes, int seed, double[] decays, int steps, bool attentive)
    {
        using var scope = NewDisposeScope();
        var train = Enumerable.Range(0, targets.Length).Where(i => isTrain[i]).ToArray();
        var test = Enumerable.Range(0, targets.Length).Where(i => !isTrain[i]).ToArray();
        var fit = train.Where((_, j) => j % 5 != 0).ToArray();
        var val = train.Where((_, j) => j % 5 == 0).ToArray();

        (double Accuracy, int Steps) best = (-1, steps);
        double bestDecay = decays[0];
        foreach (var decay in decays)
        {
            var r = Train(x, targets, fit, val, classes, seed, decay, steps, attentive);
            if (r.Accuracy > best.Accuracy) (best, bestDecay) = (r, decay);
        }
        return Train(x, targets, train, test, classes, seed, bestDecay, best.Steps, attentive, fixedSteps: true).Accuracy;
    }

    // Trains on rows `on`, scores rows `score` every CheckEvery steps; returns the best score and its
    // step count (or, with fixedSteps, the score after exactly `steps` steps).
    private static (double Accuracy, int Steps) Train(Tensor all, int[] targets, int[] on, int[] score, int classes, int seed,
        double decay, int steps, bool attentive, bool fixedSteps = false)
    {
        using var scope = NewDisposeScope();
        // Its own generator, not the global seed: tests and evaluations running in parallel share that.
        using var rng = new Generator((ulong)seed);
        var xOn = all.index_select(0, tensor(on.Select(i => (long)i).ToArray()));
        var xScore = all.index_select(0, tensor(score.Select(i => (long)i).ToArray()));
        var yOn = tensor(on.Select(i => (long)targets[i]).ToArray());
        var yScore = score.Select(i => targets[i]).ToArray();
        // Standardise every feature dim with the training rows' statistics (over clips and tokens).
        var flat = xOn.reshape(-1, xOn.shape[^1]);
        var mean = flat.mean([0]);
        var std = flat.std(0).clamp_min(1e-6);
        xOn = (xOn - mean) / std;
        xScore = (xScore - mean) / std;

        long d = all.shape[^1];
        var w = new Parameter(randn([d, classes], generator: rng) * 0.01);
        var b = new Parameter(zeros(classes));
        var q = new Parameter(randn([d], generator: rng) * 0.01);
        var k = new Parameter(randn([d, d], generator: rng) / Math.Sqrt(d));
        var parameters = attentive ? new[] { w, b, q, k } : new[] { w, b };
        using var optimizer = optim.Adam(parameters, lr: attentive ? 3e-3 : 1e-2);
        Tensor Logits(Tensor x) => attentive ? Pool(x, q, k).matmul(w) + b : x.matmul(w) + b;

        (double Accuracy, int Steps) best = (-1, steps);
        for (int step = 1; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(Logits(xOn), yOn) + decay * parameters.Where(p => p.dim() == 2).Select(p => p.pow(2).sum()).Aggregate((a, c) => a + c);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (fixedSteps ? step == steps : step % CheckEvery == 0)
            {
                using var _ = no_grad();
                var predicted = Logits(xScore).argmax(1).data<long>().ToArray();
                double accuracy = predicted.Zip(yScore).Count(p => p.First == p.Second) / (double)yScore.Length;
                if (accuracy > best.Accuracy) best = (accuracy, step);
            }
        }
        return best;
    }

    // [M, L, D] → [M, D]: softmax over tokens of (x·K)·q / √D, weights applied to x.
    private static Tensor Pool(Tensor x, Tensor q, Tensor k)
    {
        var scores = x.matmul(k).matmul(q) / Math.Sqrt(x.shape[^1]); // [M, L]
        return (scores.softmax(1).unsqueeze(-1) * x).sum(1);
    }
}
