using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>Loss terms of one step; tensors are scalars still on the device.</summary>
public sealed record LossTerms(Tensor Total, Tensor Level1, Tensor Level2, Tensor Variance, Tensor Covariance);

/// <summary>
/// Σ_levels w_l · mean_k L1(prediction_k, target) [+ w_rollout · L1(imagined frames, targets)] [+ VICReg variance and covariance on the online embeddings].
/// L1 on layer-normed targets, as V-JEPA.
/// </summary>
public static class JepaLoss
{
    public static LossTerms Compute(JepaOutput output, LossConfig weights)
    {
        var l1 = PredictionLoss(output.Level1);
        var l2 = PredictionLoss(output.Level2);
        var total = l1 * weights.Level1 + l2 * weights.Level2;
        if (output.Rollout is not null && weights.Rollout > 0)
        {
            var targets = output.Level1.Targets;
            total = total + nn.functional.l1_loss(output.Rollout, targets.narrow(1, 1, targets.shape[1] - 1)) * weights.Rollout;
        }
        var variance = zeros(1, device: l1.device).squeeze();
        var covariance = zeros(1, device: l1.device).squeeze();
        if (weights.Variance > 0 || weights.Covariance > 0)
        {
            foreach (var level in output.Levels)
            {
                var (v, c) = VicReg(level.Online);
                variance = variance + v;
                covariance = covariance + c;
            }
            total = total + variance * weights.Variance + covariance * weights.Covariance;
        }
        return new LossTerms(total, l1, l2, variance, covariance);
    }

    /// <summary>Mean over horizons of the L1 error of each prediction against its target.</summary>
    public static Tensor PredictionLoss(LevelOutput level)
    {
        Tensor? sum = null;
        for (int k = 1; k <= level.Predictions.Length; k++)
        {
            var e = nn.functional.l1_loss(level.Predictions[k - 1], level.TargetFor(k));
            sum = sum is null ? e : sum + e;
        }
        return sum! / level.Predictions.Length;
    }

    /// <summary>VICReg: hinge on each dimension's std at 1, and the mean squared off-diagonal covariance.</summary>
    /// <param name="embeddings">[..., D]; every leading index is one sample</param>
    public static (Tensor Variance, Tensor Covariance) VicReg(Tensor embeddings)
    {
        long d = embeddings.shape[^1];
        var x = embeddings.reshape(-1, d);
        x = x - x.mean([0], keepdim: true);
        var std = (x.var(0) + 1e-4).sqrt();
        var variance = nn.functional.relu(1 - std).mean();
        var cov = x.t().matmul(x) / (x.shape[0] - 1);
        var offDiagonal = cov - diag(diag(cov));
        var covariance = offDiagonal.pow(2).sum() / d;
        return (variance, covariance);
    }
}
