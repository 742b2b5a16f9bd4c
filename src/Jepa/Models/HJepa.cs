using Jepa.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Hierarchical JEPA: online encoders, their EMA target copy, and one frame-causal predictor per level.
/// Level 1 predicts frames t+1..t+horizon from frames ≤ t; level 2 predicts the next chunk(s) of
/// <c>chunk</c> frames from chunks ≤ j, further ahead and more abstractly.
/// The objective (train.objective) decides where targets come from: the EMA copy under stop-gradient
/// (ema, the default), or the online encoders themselves, with gradient (every other objective); pixel
/// adds a <see cref="PixelDecoder"/>. The target copy exists whatever the objective, so every checkpoint
/// has the same layout apart from the pixel decoder.
/// </summary>
public sealed class HJepa : nn.Module
{
    private readonly Encoders online;
    private readonly Encoders target;
    private readonly CausalPredictor predictor1;
    private readonly CausalPredictor predictor2;
    private readonly PixelDecoder? pixels; // train.objective pixel only; null fields are not registered
    private Flat? ema; // online and target encoder parameters as views of one buffer each (FlattenForEma)

    /// <param name="objective">a name of <see cref="ObjectiveNames.All"/>; ema unless given</param>
    public HJepa(ModelSpec spec, int size, int frames, string objective = "ema") : base(nameof(HJepa))
    {
        Objective = ObjectiveNames.Normalise(objective) ?? throw new ArgumentException($"unknown objective '{objective}'", nameof(objective));
        Spec = spec;
        Size = size;
        Frames = frames;
        online = new Encoders(spec, size);
        target = new Encoders(spec, size);
        predictor1 = new CausalPredictor(frames, Encoders.Level1Tokens(spec, size), spec.Dim, spec.PredictorDim,
            spec.PredictorDepth, spec.Heads, spec.MlpRatio, spec.Horizon, spec.ActionDim);
        predictor2 = new CausalPredictor(frames / spec.Chunk, Encoders.Level2Tokens(spec, size), spec.Dim, spec.PredictorDim,
            spec.PredictorDepth, spec.Heads, spec.MlpRatio, spec.Level2Horizon);
        // Built last, so the other weights draw the same random numbers whatever the objective.
        if (Objective == "pixel") pixels = new PixelDecoder(spec);
        RegisterComponents();
        CopyOnlineToTarget();
        foreach (var p in target.parameters()) p.requires_grad = false;
    }

    public ModelSpec Spec { get; }
    public int Size { get; }
    public int Frames { get; }

    /// <summary>The objective it was built for (train.objective, lower case).</summary>
    public string Objective { get; }

    /// <summary>True when targets come from the EMA copy under stop-gradient (ema); else from the online encoders.</summary>
    public bool EmaTargets => Objective == "ema";

    /// <summary>Parameters the optimiser trains: online encoders and predictors, never the EMA target.</summary>
    public IEnumerable<(string Name, Parameter Param)> TrainableParameters() =>
        online.named_parameters().Select(p => ("online." + p.name, p.parameter))
            .Concat(predictor1.named_parameters().Select(p => ("predictor1." + p.name, p.parameter)))
            .Concat(predictor2.named_parameters().Select(p => ("predictor2." + p.name, p.parameter)))
            .Concat(pixels is null ? [] : pixels.named_parameters().Select(p => ("pixels." + p.name, p.parameter)));

    /// <param name="frames">normalised clips [B, T, 3, H, W]</param>
    /// <param name="actions">[B, T, A]: action t taken after frame t; required exactly when <c>Spec.ActionDim</c> &gt; 0</param>
    /// <param name="rollout">also imagine frames 1..T-1 from frame 0 under the actions (<see cref="JepaOutput.Rollout"/>; ema objective with actions)</param>
    public JepaOutput Forward(Tensor frames, Tensor? actions = null, bool rollout = false)
    {
        if (Spec.ActionDim > 0 && actions is null)
            throw new UsageException($"this checkpoint's predictor is conditioned on actions (model.action_dim {Spec.ActionDim}) and this task has none to give it; evaluate it with --task predict (videos with action files) or --task plan.");
        var (z1, z2) = online.Forward(frames);
        // With actions the level-1 predictor reads layer-normed embeddings, the space its predictions live
        // in, so a planner can feed predictions back as context (Rollout).
        var context1 = Spec.ActionDim > 0 ? LayerNormTarget(z1) : z1;
        if (!EmaTargets)
        {
            // Targets from the online encoders, gradient and all: what keeps them from collapsing is the
            // objective's loss (VICReg, Barlow, InfoNCE, pixels), or nothing (none).
            var output = new JepaOutput(Level(z1, context1, LayerNormTarget(z1), predictor1, actions), Level(z2, z2, LayerNormTarget(z2), predictor2, null));
            return pixels is null ? output : output with { Pixels = pixels.Forward(output, frames) };
        }
        Tensor t1, t2;
        using (no_grad())
        {
            var (r1, r2) = target.Forward(frames);
            t1 = LayerNormTarget(r1); // [B, T, N1, D]
            t2 = LayerNormTarget(r2); // [B, C, N2, D]
        }
        var imagined = rollout && actions is not null ? TrainRollout(t1, actions) : null;
        return new JepaOutput(Level(z1, context1, t1, predictor1, actions), Level(z2, z2, t2, predictor2, null), Rollout: imagined);
    }

    // Frames 1..T-1 imagined from frame 0's target, each prediction fed back as context, with gradient
    // into the predictor: the way Rollout (and the planner) uses it. [B, T, N, D], [B, T, A] → [B, T-1, N, D].
    private Tensor TrainRollout(Tensor targets, Tensor actions)
    {
        long t = targets.shape[1];
        var states = new List<Tensor> { targets.select(1, 0) };
        for (int i = 1; i < t; i++)
        {
            var deltas = predictor1.Forward(stack(states.ToArray(), 1), actions.narrow(1, 0, i));
            states.Add(states[^1] + deltas[0].select(1, i - 1));
        }
        return stack(states.Skip(1).ToArray(), 1);
    }

    /// <summary>
    /// Imagines the level-1 embeddings that follow <paramref name="start"/> under each action sequence:
    /// one predicted step (horizon 1) per action, each fed back as context (the last <c>Frames</c> steps
    /// are kept). No gradient.
    /// </summary>
    /// <param name="start">layer-normed target embedding of the current frame [P, N, D] (<see cref="EncodeTargets"/>)</param>
    /// <param name="actions">[P, H, A]</param>
    /// <returns>predicted embeddings after each action [P, H, N, D]</returns>
    public Tensor Rollout(Tensor start, Tensor actions)
    {
        using var _ = no_grad();
        long h = actions.shape[1];
        var states = new List<Tensor> { start };
        for (int i = 0; i < h; i++)
        {
            int first = Math.Max(0, states.Count - Frames);
            var context = stack(states.Skip(first).ToArray(), 1); // [P, t, N, D]
            var deltas = predictor1.Forward(context, actions.narrow(1, first, h - first));
            states.Add(states[^1] + deltas[0].select(1, context.shape[1] - 1));
        }
        return stack(states.Skip(1).ToArray(), 1);
    }

    /// <summary>The targets, layer-normed: what the predictions are compared with (the EMA copy's, or for objectives without one the online encoders').</summary>
    public (Tensor Level1, Tensor Level2) EncodeTargets(Tensor frames)
    {
        using var _ = no_grad();
        var (r1, r2) = EmaTargets ? target.Forward(frames) : online.Forward(frames);
        return (LayerNormTarget(r1), LayerNormTarget(r2));
    }

    /// <summary>
    /// Online encoders only, no predictor and no layer norm: the embeddings <c>jepa embed</c> writes and
    /// the collapse monitor measures. Level 1 [B, T, N1, D], level 2 [B, T/chunk, N2, D]; no gradient.
    /// </summary>
    public (Tensor Level1, Tensor Level2) EncodeOnline(Tensor frames)
    {
        using var _ = no_grad();
        return online.Forward(frames);
    }

    /// <summary>
    /// target ← m·target + (1−m)·online (no gradient): one lerp_ over the flat buffers after
    /// <see cref="FlattenForEma"/>, else parameter by parameter (two kernels each).
    /// </summary>
    public void UpdateTarget(double momentum)
    {
        using var _ = no_grad();
        if (ema is not null && ema.StillViews(target, online))
        {
            ema.Target.lerp_(ema.Online, 1 - momentum);
            return;
        }
        foreach (var (t, o) in target.parameters().Zip(online.parameters()))
            t.mul_(momentum).add_(o, alpha: 1 - momentum);
    }

    /// <summary>
    /// Makes every target and online encoder parameter a view of one contiguous buffer per network, so the
    /// EMA is one kernel instead of two per parameter (hundreds of launches on a GPU; TorchSharp has no
    /// _foreach ops). Call after the last <c>.to()</c> (which replaces parameters) and before the optimiser
    /// is built; values are unchanged, checkpoints read and write the same tensors.
    /// </summary>
    public void FlattenForEma()
    {
        using var _ = no_grad();
        ema?.Dispose();
        ema = new Flat(Flat.Join(target.parameters().ToList()), Flat.Join(online.parameters().ToList()), target, online);
    }

    private void CopyOnlineToTarget()
    {
        using var _ = no_grad();
        foreach (var (t, o) in target.parameters().Zip(online.parameters())) t.copy_(o);
    }

    private static LevelOutput Level(Tensor online, Tensor context, Tensor targets, CausalPredictor predictor, Tensor? actions)
    {
        long steps = online.shape[1];
        var deltas = predictor.Forward(context, actions);
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

    /// <summary>The flat buffers of <see cref="FlattenForEma"/>, and the parameters that view them.</summary>
    private sealed class Flat : IDisposable
    {
        private readonly Parameter[] targetParams;
        private readonly Parameter[] onlineParams;

        public Flat(Tensor target, Tensor online, nn.Module targetNet, nn.Module onlineNet)
        {
            Target = target;
            Online = online;
            targetParams = targetNet.parameters().ToArray();
            onlineParams = onlineNet.parameters().ToArray();
        }

        public Tensor Target { get; }
        public Tensor Online { get; }

        /// <summary>False once a <c>.to()</c> replaced a parameter: the buffers no longer are the weights (loads copy into them).</summary>
        public bool StillViews(nn.Module targetNet, nn.Module onlineNet) =>
            targetNet.parameters().SequenceEqual(targetParams, ReferenceEqualityComparer.Instance)
            && onlineNet.parameters().SequenceEqual(onlineParams, ReferenceEqualityComparer.Instance);

        /// <summary>One buffer holding every parameter's values, each parameter re-pointed at its slice.</summary>
        public static Tensor Join(IReadOnlyList<Parameter> parameters)
        {
            var flat = empty(parameters.Sum(p => p.numel()), dtype: parameters[0].dtype, device: parameters[0].device);
            long offset = 0;
            foreach (var p in parameters)
            {
                var slice = flat.narrow(0, offset, p.numel()).view(p.shape);
                slice.copy_(p);
                p.set_(slice);
                offset += p.numel();
            }
            return flat.DetachFromDisposeScope();
        }

        public void Dispose()
        {
            Target.Dispose();
            Online.Dispose();
        }
    }
}
