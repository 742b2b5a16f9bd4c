using Jepa.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Per-frame convolutional stem: log2(stride) stages of Conv(3×3, stride 2) + GroupNorm + GELU, widening
/// to <c>dim</c>, then a 1×1 projection. Convolutions exploit the local structure of pixels and do not cut
/// the image into squares; the transformer above works on the resulting tokens.
/// </summary>
public sealed class ConvStem : nn.Module
{
    private readonly Sequential stages;
    private readonly Conv2d project;
    private readonly int dim;

    public ConvStem(int dim, int stride, bool blur = false) : base(nameof(ConvStem))
    {
        int stageCount = (int)Math.Round(Math.Log2(stride));
        if (stageCount < 1 || 1 << stageCount != stride) throw new ArgumentException($"stem stride {stride} is not a power of two ≥ 2");
        this.dim = dim;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long inChannels = 3;
        for (int s = 0; s < stageCount; s++)
        {
            long outChannels = StageChannels(dim, stageCount, s);
            if (blur) layers.Add(($"blur{s}", new Blur()));
            layers.Add(($"conv{s}", nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: 2, padding: 1)));
            // ConfigValidator checks that each stage's width splits into its groups (ModelShapes).
            var norm = nn.GroupNorm(ModelShapes.StemGroups((int)outChannels), outChannels);
            using (no_grad())
            {
                // TorchSharp 0.107's GroupNorm can leave its affine parameters uninitialised (NaN seen here).
                norm.weight!.fill_(1);
                norm.bias!.zero_();
            }
            layers.Add(($"norm{s}", norm));
            layers.Add(($"act{s}", nn.GELU()));
            inChannels = outChannels;
        }
        stages = nn.Sequential(layers);
        project = nn.Conv2d(inChannels, dim, kernel_size: 1);
        RegisterComponents();
    }

    /// <summary>Output channels of stage <paramref name="stage"/>: they double each stage and reach dim at the last (dim/4 → dim/2 → dim for three), at least 16.</summary>
    public static long StageChannels(int dim, int stages, int stage) => ModelShapes.StemWidth(dim, stages, stage);

    /// <param name="frames">[B, T, 3, H, W]</param>
    /// <returns>tokens [B, T, N, D] with N = (H/stride)·(W/stride), row-major</returns>
    public Tensor Forward(Tensor frames)
    {
        long b = frames.shape[0], t = frames.shape[1];
        var x = frames.reshape(b * t, frames.shape[2], frames.shape[3], frames.shape[4]);
        foreach (var (_, layer) in stages.named_children())
        {
            x = layer switch
            {
                Conv2d conv => Autocast.Conv(conv, x, stride: 2, padding: 1),    // every stage halves the frame
                GroupNorm norm => norm.forward(Autocast.Float(x)),
                nn.Module<Tensor, Tensor> other => other.forward(x),
                _ => throw new InvalidOperationException($"unexpected stem layer {layer.GetType().Name}"),
            };
        }
        x = Autocast.Float(Autocast.Conv(project, x, stride: 1, padding: 0)); // [B·T, D, h, w]
        long n = x.shape[2] * x.shape[3];
        return x.reshape(b, t, dim, n).transpose(2, 3); // [B, T, N, D]
    }
}

/// <summary>
/// A fixed 3×3 binomial low-pass per channel (edges replicated): sampled after it, a stride-2 convolution
/// aliases less, so an object moving a pixel moves the embedding a little instead of by a jump
/// (Zhang 2019, "Making convolutional networks shift-invariant again").
/// </summary>
internal sealed class Blur : nn.Module<Tensor, Tensor>
{
    private Tensor? kernel; // [1, 1, 3, 3], made once per device and type

    public Blur() : base(nameof(Blur)) { }

    public override Tensor forward(Tensor x)
    {
        if (kernel is null || kernel.device != x.device || kernel.dtype != x.dtype)
        {
            kernel?.Dispose();
            using var k1 = tensor(new float[] { 0.25f, 0.5f, 0.25f }, device: x.device, dtype: x.dtype);
            kernel = k1.outer(k1).view(1, 1, 3, 3).DetachFromDisposeScope();
        }
        long c = x.shape[1];
        var padded = nn.functional.pad(x, [1, 1, 1, 1], PaddingModes.Replicate);
        return nn.functional.conv2d(padded, kernel.expand(c, 1, 3, 3), groups: c);
    }
}
