using Jepa.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>Pre-norm transformer block: x + attn(LN(x)), then x + MLP(LN(x)).</summary>
/// <remarks>Written here because TorchSharp's nn.TransformerEncoder is post-norm and sequence-first.</remarks>
public sealed class Block : nn.Module
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Linear fc1;
    private readonly Linear fc2;

    public Block(int dim, int heads, double mlpRatio) : base(nameof(Block))
    {
        int hidden = (int)ModelShapes.MlpHidden(dim, mlpRatio); // ConfigValidator keeps it in 1..int.MaxValue
        norm1 = nn.LayerNorm(dim);
        attn = new Attention(dim, heads);
        norm2 = nn.LayerNorm(dim);
        fc1 = nn.Linear(dim, hidden);
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    /// <param name="x">[B, N, D]</param>
    /// <param name="mask">additive attention mask [N, N] or null</param>
    /// <returns>[B, N, D]</returns>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        // Norms read fp32; the sums promote a bf16 branch back to fp32 (Autocast).
        x = x + attn.Forward(norm1.forward(Autocast.Float(x)), mask);
        return x + Autocast.Linear(fc2, nn.functional.gelu(Autocast.Linear(fc1, norm2.forward(Autocast.Float(x)))));
    }
}
