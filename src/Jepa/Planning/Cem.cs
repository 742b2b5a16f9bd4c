using static TorchSharp.torch;

namespace Jepa.Planning;

/// <summary>
/// The cross-entropy method over action sequences [H, A] in [-1, 1]: sample a population from a
/// Gaussian, score it, refit the Gaussian to the elites, repeat; the answer is the last mean. Samples
/// come from a seeded generator, so a plan is a pure function of (cost, seed).
/// </summary>
public static class Cem
{
    /// <param name="cost">scores a population [P, H, A] → [P] (lower is better)</param>
    /// <param name="mean">starting mean [H, A] (zeros, or the previous plan shifted by the actions taken)</param>
    /// <returns>the final mean [H, A] and the cost of the best sequence seen</returns>
    public static (Tensor Plan, double BestCost) Optimize(Func<Tensor, Tensor> cost, Tensor mean, double initStd,
        int population, int elites, int iterations, Generator generator)
    {
        using var _ = no_grad();
        var std = full_like(mean, initStd);
        double best = double.PositiveInfinity;
        for (int i = 0; i < iterations; i++)
        {
            var samples = (mean.unsqueeze(0) + std.unsqueeze(0) * randn([population, .. mean.shape], generator: generator, device: mean.device)).clamp(-1, 1);
            samples[0] = mean.clamp(-1, 1); // the current mean always competes
            var scores = cost(samples); // [P]
            var (values, idx) = scores.topk(elites, largest: false);
            best = Math.Min(best, values[0].item<float>());
            var elite = samples.index_select(0, idx); // [E, H, A]
            mean = elite.mean([0]);
            std = elite.std(0, unbiased: false) + 0.05; // a floor keeps the search from freezing on a few samples
        }
        return (mean.clamp(-1, 1), best);
    }
}
