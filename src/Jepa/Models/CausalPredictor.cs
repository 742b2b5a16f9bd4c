using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Frame-causal transformer over the tokens of steps 1..T: every token of step t attends to the tokens
/// of steps ≤ t only. One zero-initialised output head per horizon k gives the CHANGE of each token's
/// embedding from step t to step t+k; the caller adds it to the target embedding of step t, so training
/// starts exactly at the persistence baseline and only improves (ARCHITECTURE.md, "predict the change").
/// With actions (<c>actionDim</c> &gt; 0), the actions a_t .. a_{t+H-1} that follow step t (H = horizons),
/// concatenated and projected to the predictor's width, are added to every token of step t: the
/// prediction of step t+k sees exactly the actions taken between t and t+k, and still nothing of the
/// frames after t. Added rather than interleaved as extra tokens (V-JEPA 2-AC): one addition per step
/// keeps the sequence, the mask and the cost unchanged, and for an agent whose whole state is in the
/// frame a per-step conditioning signal is all the predictor needs. Without actions the module has no
/// action weights, so checkpoints of action-free models keep their keys.
/// </summary>
public sealed class CausalPredictor : nn.Module
{
    private readonly Linear inProj;
    private readonly Parameter timePos;
    private readonly Parameter spacePos;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm;
    private readonly ModuleList<Linear> heads;
    private readonly Linear? actionProj;
    private readonly int steps;
    private readonly int tokens;
    private Tensor? mask;

    public CausalPredictor(int steps, int tokens, int inDim, int dim, int depth, int heads, double mlpRatio, int horizons, int actionDim = 0)
        : base(nameof(CausalPredictor))
    {
        ActionDim = actionDim;
        if (actionDim > 0) actionProj = nn.Linear(actionDim * horizons, dim);
        this.steps = steps;
        this.tokens = tokens;
        inProj = nn.Linear(inDim, dim);
        timePos = nn.Parameter(nn.init.trunc_normal_(empty(1, steps, 1, dim), std: 0.02));
        spacePos = nn.Parameter(nn.init.trunc_normal_(empty(1, 1, tokens, dim), std: 0.02));
        blocks = new ModuleList<Block>(Enumerable.Range(0, depth).Select(_ => new Block(dim, heads, mlpRatio)).ToArray());
        norm = nn.LayerNorm(dim);
        var outHeads = new Linear[horizons];
        for (int k = 0; k < horizons; k++)
        {
            outHeads[k] = nn.Linear(dim, inDim);
            using (no_grad())
            {
                outHeads[k].weight!.zero_();
                outHeads[k].bias!.zero_();
            }
        }
        this.heads = new ModuleList<Linear>(outHeads);
        RegisterComponents();
    }

    /// <summary>Number of horizons k = 1..Horizons this predictor was built for.</summary>
    public int Horizons => heads.Count;

    /// <summary>Numbers per action; 0 when the predictor takes none.</summary>
    public int ActionDim { get; }

    /// <param name="context">[B, T, N, Din], T ≤ the steps it was built for</param>
    /// <param name="actions">[B, Ta, A] with Ta ≥ T, action t taken after step t; required exactly when the predictor has actions</param>
    /// <returns>per horizon k (index k-1): predicted change [B, T, N, Din] from step t to step t+k</returns>
    public Tensor[] Forward(Tensor context, Tensor? actions = null)
    {
        long b = context.shape[0], t = context.shape[1], n = context.shape[2];
        if (t > steps || n != tokens) throw new ArgumentException($"predictor built for {steps}×{tokens} tokens, got {t}×{n}");
        var x = Autocast.Linear(inProj, context) + timePos.narrow(1, 0, t) + spacePos; // [B, T, N, Dp], fp32
        if ((actionProj is null) != (actions is null))
            throw new ArgumentException(actionProj is null ? "this predictor takes no actions" : "this predictor needs the actions of its clips");
        if (actionProj is not null)
            x = x + Autocast.Linear(actionProj, ActionWindows(actions!, t, heads.Count)).unsqueeze(2); // + [B, T, 1, Dp]
        x = x.reshape(b, t * n, x.shape[3]);
        var m = CausalMask((int)t, (int)n, context.device);
        foreach (var block in blocks) x = block.Forward(x, m);
        x = norm.forward(Autocast.Float(x));
        var outputs = new Tensor[heads.Count];
        for (int k = 0; k < heads.Count; k++) outputs[k] = Autocast.Float(Autocast.Linear(heads[k], x)).reshape(b, t, n, context.shape[3]);
        return outputs;
    }

    /// <summary>
    /// Row t holds actions t .. t+h-1 side by side, zeros past the last action: [B, Ta, A] → [B, T, h·A].
    /// </summary>
    public static Tensor ActionWindows(Tensor actions, long t, int h)
    {
        long b = actions.shape[0], ta = actions.shape[1], a = actions.shape[2];
        if (ta < t) throw new ArgumentException($"{ta} actions for {t} steps");
        var padded = cat([actions, zeros(b, h - 1, a, dtype: actions.dtype, device: actions.device)], 1); // [B, Ta+h-1, A]
        return cat(Enumerable.Range(0, h).Select(j => padded.narrow(1, j, t)).ToArray(), 2);
    }

    /// <summary>Additive mask [T·N, T·N]: 0 where the key's step ≤ the query's step, -inf elsewhere.</summary>
    public static Tensor BuildCausalMask(int t, int n, Device device)
    {
        var step = arange(t, device: device).repeat_interleave(n); // [T·N]: step index of each token
        var allowed = step.unsqueeze(1) >= step.unsqueeze(0);      // [query, key]
        return zeros(t * n, t * n, device: device).masked_fill(allowed.logical_not(), float.NegativeInfinity);
    }

    private Tensor CausalMask(int t, int n, Device device)
    {
        if (mask is null || mask.shape[0] != t * n || mask.device != device)
        {
            mask?.Dispose();
            mask = BuildCausalMask(t, n, device).DetachFromDisposeScope();
        }
        return mask;
    }
}
