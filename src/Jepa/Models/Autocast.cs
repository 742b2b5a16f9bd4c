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
/// </summary>
public static class Autocast
{
    private static readonly AsyncLocal<ScalarType?> Current = new();

    /// <summary>The type matmul-heavy ops compute in now, or null for their parameters' own (fp32).</summary>
    public static ScalarType? Compute => Current.Value;

    /// <summary>Runs the modules in <paramref name="compute"/> (null: fp32) until the result is disposed.</summary>
    public static IDisposable Enter(ScalarType? compute)
    {
        var previous = Current.Value;
        Current.Value = compute;
        return new Restore(previous);
    }

    /// <summary>x·Wᵀ + b, in the compute type when one is set.</summary>
    public static Tensor Linear(Linear layer, Tensor x) =>
        Compute is { } t ? nn.functional.linear(x.to_type(t), layer.weight!.to_type(t), layer.bias?.to_type(t)) : layer.forward(x);

    /// <summary>A 2-D convolution with the given stride and padding, in the compute type when one is set.</summary>
    public static Tensor Conv(Conv2d layer, Tensor x, long stride, long padding) =>
        Compute is { } t
            ? nn.functional.conv2d(x.to_type(t), layer.weight!.to_type(t), layer.bias?.to_type(t), strides: [stride, stride], padding: [padding, padding])
            : layer.forward(x);

    /// <summary>The operand of attention, in the compute type when one is set.</summary>
    public static Tensor Operand(Tensor x) => Compute is { } t && x.dtype != t ? x.to_type(t) : x;

    /// <summary>x as fp32: what norms, softmax statistics and losses read.</summary>
    public static Tensor Float(Tensor x) => x.dtype == ScalarType.Float32 ? x : x.to_type(ScalarType.Float32);

    private sealed class Restore(ScalarType? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
