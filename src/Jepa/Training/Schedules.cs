using Jepa.Config;

namespace Jepa.Training;

/// <summary>Learning-rate, weight-decay and EMA schedules as pure functions of the step.</summary>
public static class Schedules
{
    /// <summary>Linear warmup from 0 to lr over warmup_steps, then cosine to min_lr at the last step.</summary>
    public static double LearningRate(TrainConfig t, long step)
    {
        if (step < t.WarmupSteps) return t.Lr * (step + 1) / t.WarmupSteps;
        double progress = Progress(step - t.WarmupSteps, t.Steps - t.WarmupSteps);
        return t.MinLr + (t.Lr - t.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Cosine from weight_decay to weight_decay_end over training (V-JEPA: 0.04 → 0.4).</summary>
    public static double WeightDecay(TrainConfig t, long step) =>
        t.WeightDecayEnd + (t.WeightDecay - t.WeightDecayEnd) * 0.5 * (1 + Math.Cos(Math.PI * Progress(step, t.Steps)));

    /// <summary>EMA momentum, linear from ema_start to ema_end over training (I-JEPA: 0.996 → 1.0).</summary>
    public static double EmaMomentum(TrainConfig t, long step) =>
        t.EmaStart + (t.EmaEnd - t.EmaStart) * Progress(step, t.Steps);

    private static double Progress(long step, long total) =>
        total <= 1 ? 1.0 : Math.Clamp((double)step / (total - 1), 0.0, 1.0);
}
