using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Models.Objectives;

/// <summary>
/// Contrastive (InfoNCE), no EMA: every predicted token must pick its own target among all the targets
/// of that level and horizon in the batch (the other clips', the other positions' and the other
/// steps'), by a softmax over cosine similarities at temperature train.loss.temperature (SimCLR's 0.1).
/// The negatives are what keep the embeddings apart.
/// </summary>
public sealed class InfoNceObjective(LossConfig weights) : IObjective
{
    public string Name => "infonce";
    public bool UsesEma => false;

    public LossTerms Loss(JepaOutput output) => Objective.Weighted(
        Objective.OverHorizons(output.Level1, (p, t) => InfoNce(p, t, weights.Temperature)),
        Objective.OverHorizons(output.Level2, (p, t) => InfoNce(p, t, weights.Temperature)),
        weights);

    /// <summary>Mean over the M samples of −log softmax_j(cos(p_i, t_j) / τ)[i].</summary>
    /// <param name="predictions">[..., D]; every leading index one sample</param>
    /// <param name="targets">same shape; sample i is the positive of prediction i</param>
    public static Tensor InfoNce(Tensor predictions, Tensor targets, double temperature)
    {
        long d = predictions.shape[^1];
        var p = nn.functional.normalize(predictions.reshape(-1, d), dim: 1);
        var t = nn.functional.normalize(targets.reshape(-1, d), dim: 1);
        var logits = p.matmul(t.t()) / temperature; // [M, M]
        var labels = arange(logits.shape[0], device: logits.device);
        return nn.functional.cross_entropy(logits, labels);
    }
}
