using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>What train.precision means on a device: the compute type of matmul-heavy ops, and TF32.</summary>
/// <param name="Name">fp32, tf32, bf16 or bf16-emulated: what actually runs</param>
/// <param name="Compute">the type for <see cref="Models.Autocast.Enter"/>; null runs everything in fp32</param>
/// <param name="Emulated">bf16-emulated: values rounded to <paramref name="Compute"/>, arithmetic in fp32</param>
public sealed record Precision(string Name, ScalarType? Compute, bool Emulated = false)
{
    /// <summary>
    /// Resolves auto (bf16 on CUDA, fp32 elsewhere) and turns TF32 on for CUDA matmuls and convolutions
    /// under tf32 and bf16 (what is left in fp32 then runs in TF32, as PyTorch users usually set it).
    /// tf32 on the CPU is fp32: there is no TF32 there.
    /// </summary>
    public static Precision Resolve(string setting, Device device)
    {
        bool onCuda = device.type == DeviceType.CUDA;
        setting = setting.Trim().ToLowerInvariant();
        var name = setting == "auto" ? (onCuda ? "bf16" : "fp32") : setting;
        if (onCuda)
        {
            backends.cuda.matmul.allow_tf32 = name is "tf32" or "bf16";
            backends.cudnn.allow_tf32 = name is "tf32" or "bf16";
        }
        if (name == "tf32" && !onCuda) name = "fp32";
        return new Precision(name, name is "bf16" or "bf16-emulated" ? ScalarType.BFloat16 : null, name == "bf16-emulated");
    }
}
