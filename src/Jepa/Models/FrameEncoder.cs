using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Transformer over the tokens of ONE frame (or one chunk) at a time, with learned 2-D position
/// embeddings. Frames never see each other here, so nothing of the future can leak into z_t.
/// </summary>
public sealed class FrameEncoder : nn.Module
{
    private readonly Parameter pos;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm;

    public FrameEncoder(int tokens, int dim, int depth, int heads, double mlpRatio) : base(nameof(FrameEncoder))
    {
        pos = nn.Parameter(nn.init.trunc_normal_(empty(1, tokens, dim), std: 0.02));
        blocks = new ModuleList<Block>(Enumerable.Range(0, depth).Select(_ => new Block(dim, heads, mlpRatio)).ToArray());
        norm = nn.LayerNorm(dim);
        RegisterComponents();
    }

    /// <param name="tokens">[B, T, N, D]</param>
    /// <returns>[B, T, N, D]</returns>
    public Tensor Forward(Tensor tokens)
    {
        long b = tokens.shape[0], t = tokens.shape[1], n = tokens.shape[2], d = tokens.shape[3];
        var x = tokens.reshape(b * t, n, d) + pos;
        foreach (var block in blocks) x = block.Forward(x, null);
        return norm.forward(Autocast.Float(x)).reshape(b, t, n, d);
    }
}
