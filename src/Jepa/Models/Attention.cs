using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>Multi-head self-attention: qkv Linear → scaled dot-product attention → projection.</summary>
/// <remarks>SDPA rather than written-out softmax: 2.7× faster on CPU here (PLATFORM.md), flash kernels on CUDA.</remarks>
public sealed class Attention : nn.Module
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;

    public Attention(int dim, int heads) : base(nameof(Attention))
    {
        if (dim % heads != 0) throw new ArgumentException($"dim {dim} is not divisible by heads {heads}");
        this.heads = heads;
        qkv = nn.Linear(dim, 3 * dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <param name="x">[B, N, D]</param>
    /// <param name="mask">additive mask [N, N] (0 or -inf), or null for full attention</param>
    /// <returns>[B, N, D]</returns>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var parts = Autocast.Linear(qkv, x).view(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4); // [3, B, H, N, hd]
        var m = mask is null ? null : Autocast.Operand(mask); // the mask's type must match q's
        var o = nn.functional.scaled_dot_product_attention(Autocast.Operand(parts[0]), Autocast.Operand(parts[1]), Autocast.Operand(parts[2]), m); // [B, H, N, hd]
        return Autocast.Linear(proj, o.transpose(1, 2).reshape(b, n, d));
    }
}
