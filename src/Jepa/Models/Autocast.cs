using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// Mixed precision by hand, as PyTorch's autocast does it (TorchSharp 0.107 has no autocast): inside
/// <see cref="Enter"/> with bf16, linear layers, convolutions and attention take bf16 copies of their
/// inputs and weights; norms run in fp32 on an fp32 copy; residual sums promote back to fp32. Parameters,
/// gradients (the backward of a cast hands fp32 to fp32), optimiser state and the EMA stay fp32, so
/// checkpoints do not depend on the precision and bf16 needs no loss scaling.
/// Emulated (<c>train.precision: bf16-emulated</c>): the same ops take their inputs and weights rounded to
/// bf16 and hand back bf16 results, but multiply in fp32 — the numbers of a bf16 matmul that accumulates in
/// fp32 (what CUDA's does), at fp32 speed on a CPU that has no bf16 units (there bf16 matmuls are ~10× slower).
/// </summary>
public static class Autocast
{
    private static readonly AsyncLocal<Mode?> Current = new();

    /// <summary>The type matmul-heavy ops compute in now, or null for their parameters' own (fp32).</summary>
    public static ScalarType? Compute => Current.Value?.Type;

    /// <summary>True when <see cref="Compute"/> is emulated: rounded to it, multiplied in fp32.</summary>
    public static bool Emulated => Current.Value?.Emulated ?? false;

    /// <summary>
    /// Runs the modules in <paramref name="compute"/> (null: fp32) until the result is disposed; with
    /// <paramref name="emulated"/>, as fp32 arithmetic on values rounded to it.
    /// </summary>
    public static IDisposable Enter(ScalarType? compute, bool emulated = false)
    {
        var previous = Current.Value;
        Current.Value = compute is { } t ? new Mode(t, emulated) : null;
        return new Restore(previous);
    }

    /// <summary>x·Wᵀ + b, in the compute type when one is set.</summary>
    public static Tensor Linear(Linear layer, Tensor x) => Current.Value switch
    {
        { Emulated: true, Type: var t } => nn.functional.linear(Rounded(x, t), Rounded(layer.weight!, t), layer.bias is { } b ? Rounded(b, t) : null).to_type(t),
        { Type: var t } => nn.functional.linear(x.to_type(t), layer.weight!.to_type(t), layer.bias?.to_type(t)),
        null => layer.forward(x),
    };

    /// <summary>A 2-D convolution with the given stride and padding, in the compute type when one is set.</summary>
    public static Tensor Conv(Conv2d layer, Tensor x, long stride, long padding) => Current.Value switch
    {
        { Emulated: true, Type: var t } => nn.functional.conv2d(Rounded(x, t), Rounded(layer.weight!, t), layer.bias is { } b ? Rounded(b, t) : null,
            strides: [stride, stride], padding: [padding, padding]).to_type(t),
        { Type: var t } => nn.functional.conv2d(x.to_type(t), layer.weight!.to_type(t), layer.bias?.to_type(t), strides: [stride, stride], padding: [padding, padding]),
        null => layer.forward(x),
    };

    /// <summary>The operand of attention, in the compute type when one is set (emulated: rounded to it, as fp32).</summary>
    public static Tensor Operand(Tensor x) => Current.Value switch
    {
        { Emulated: true, Type: var t } => Rounded(x, t),
        { Type: var t } when x.dtype != t => x.to_type(t),
        _ => x,
    };

    // x rounded to t and back to fp32: what a kernel computing in t reads, ready for fp32 arithmetic.
    private static Tensor Rounded(Tensor x, ScalarType t) => (x.dtype == t ? x : x.to_type(t)).to_type(ScalarType.Float32);

    private sealed record Mode(ScalarType Type, bool Emulated);

    /// <summary>x as fp32: what norms, softmax statistics and losses read.</summary>
    public static Tensor Float(Tensor x) => x.dtype == ScalarType.Float32 ? x : x.to_type(ScalarType.Float32);

    private sealed class Restore(Mode? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
