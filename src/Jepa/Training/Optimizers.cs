using Jepa.Models;
using TorchSharp.Modules;

namespace Jepa.Training;

/// <summary>AdamW with two parameter groups: weight decay on weight matrices only, none on norms, biases and position embeddings.</summary>
public static class Optimizers
{
    public static AdamW Create(HJepa model, double lr, double weightDecay)
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, p) in model.TrainableParameters())
        {
            // 1-D tensors are norm scales and biases; "pos" are position embeddings: decaying them only hurts.
            if (p.dim() <= 1 || name.Contains("pos", StringComparison.OrdinalIgnoreCase)) noDecay.Add(p);
            else decay.Add(p);
        }
        return new AdamW(
        [
            new AdamW.ParamGroup(decay, lr, 0.9, 0.999, 1e-8, weightDecay, false, false),
            new AdamW.ParamGroup(noDecay, lr, 0.9, 0.999, 1e-8, 0.0, false, false),
        ], lr, 0.9, 0.999, 1e-8, weightDecay, false, false);
    }

    /// <summary>Sets this step's learning rate on every group and weight decay on the decayed group.</summary>
    public static void SetSchedule(AdamW optimizer, double lr, double weightDecay)
    {
        var groups = optimizer.ParamGroups.ToArray();
        foreach (var g in groups) g.LearningRate = lr;
        ((AdamW.Options)((ParamGroup)groups[0]).Options).weight_decay = weightDecay;
    }
}
