using Jepa.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Hierarchical JEPA: online encoders, their EMA target copy, and one frame-causal predictor per level.
/// Level 1 predicts frames t+1..t+horizon from frames ≤ t; level 2 predicts the next chunk(s) of
/// <c>chunk</c> frames from chunks ≤ j, further ahead and more abstractly.
/// </summary>
public sealed class HJepa : nn.Module
{
    private readonly Encoders online;
    private readonly Encoders target;
    private readonly CausalPredictor predictor1;
    private readonly CausalPredictor predictor2;

    public HJepa(ModelSpec spec, int size, int frames) : base(nameof(HJepa))
    {
        Spec = spec;
        Size = size;
        Frames = frames;
        online = new Encoders(spec, size);
        target = new Encoders(spec, size);
        predictor1 = new CausalPredictor(frames, Encoders.Level1Tokens(spec, size), spec.Dim, spec.PredictorDim,
            spec.PredictorDepth, spec.Heads, spec.MlpRatio, spec.Horizon);
        predictor2 = new CausalPredictor(frames / spec.Chunk, Encoders.Level2Tokens(spec, size), spec.Dim, spec.PredictorDim,
            spec.PredictorDepth, spec.Heads, spec.MlpRatio, spec.Level2Horizon);
        RegisterComponents();
        CopyOnlineToTarget();
        foreach (var p in target.parameters()) p.requires_grad = false;
    }

    public ModelSpec Spec { get; }
    public int Size { get; }
    public int Frames { get; }

    /// <summary>Parameters the optimiser trains: online encoders and predictors, never the EMA target.</summary>
    public IEnumerable<(string Name, Parameter Param)> TrainableParameters() =>
        online.named_parameters().Select(p => ("online." + p.name, p.parameter))
            .Concat(predictor1.named_parameters().Select(p => ("predictor1." + p.name, p.parameter)))
            .Concat(predictor2.named_parameters().Select(p => ("predictor2." + p.name, p.parameter)));

    /// <param name="frames">normalised clips [B, T, 3, H, W]</param>
    public JepaOutput Forward(Tensor frames)
    {
        var (z1, z2) = online.Forward(frames);
        Tensor t1, t2;
        using (no_grad())
        {
            var (r1, r2) = target.Forward(frames);
            t1 = LayerNormTarget(r1); // [B, T, N1, D]
            t2 = LayerNormTarget(r2); // [B, C, N2, D]
        }
        return new JepaOutput(Level(z1, t1, predictor1), Level(z2, t2, predictor2));
    }

    /// <summary>Target encoder only, layer-normed: what the predictions are compared with.</summary>
    public (Tensor Level1, Tensor Level2) EncodeTargets(Tensor frames)
    {
        using var _ = no_grad();
        var (r1, r2) = target.Forward(frames);
        return (LayerNormTarget(r1), LayerNormTarget(r2));
    }

    /// <summary>target ← m·target + (1−m)·online, parameter by parameter (no gradient).</summary>
    public void UpdateTarget(double momentum)
    {
        using var _ = no_grad();
        foreach (var (t, o) in target.parameters().Zip(online.parameters()))
            t.mul_(momentum).add_(o, alpha: 1 - momentum);
    }

    private void CopyOnlineToTarget()
    {
        using var _ = no_grad();
        foreach (var (t, o) in target.parameters().Zip(online.parameters())) t.copy_(o);
    }

    private static LevelOutput Level(Tensor online, Tensor targets, CausalPredictor predictor)
    {
        long steps = online.shape[1];
        var deltas = predictor.Forward(online);
        var predictions = new Tensor[deltas.Length];
        for (int k = 1; k <= deltas.Length; k++)
        {
            // Residual on the stop-gradient target of the last seen step: zero change = persistence.
            long n = steps - k;
            predictions[k - 1] = targets.narrow(1, 0, n) + deltas[k - 1].narrow(1, 0, n);
        }
        return new LevelOutput(online, targets, predictions);
    }

    private static Tensor LayerNormTarget(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]]);
}
