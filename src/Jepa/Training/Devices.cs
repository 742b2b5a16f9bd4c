using System.Globalization;
using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>Turns a device name (auto | cpu | cuda | cuda:N, any case) into a torch device, with one sentence when it cannot.</summary>
public static class Devices
{
    /// <param name="name">the name as the user wrote it</param>
    /// <param name="setting">
    /// what the user wrote it in, for the message: "train.device" (a config, --set or train's --device,
    /// all of which end up there) or "--device" (eval, which has no config of its own to set)
    /// </param>
    public static Device Resolve(string name, string setting = "train.device")
    {
        var device = DeviceNames.Normalise(name)
            ?? throw new UsageException($"{setting} is {ConfigScalars.Show(name)}, which is not a device; use auto, cpu, cuda or cuda:N (N the GPU index).");
        if (device == "auto") return cuda.is_available() ? CUDA : CPU;
        if (device == "cpu") return CPU;
        if (!cuda.is_available())
            throw new UsageException($"{setting} is {ConfigScalars.Show(name)} but no CUDA device is usable here (CPU build of TorchSharp, or no GPU/driver); run 'jepa doctor', rebuild with -p:TorchBackend=cuda, or {UseCpu(setting)}.");
        // A GPU index past the last one would only fail at the first tensor moved there, less clearly.
        var index = device == "cuda" ? 0 : int.Parse(device[5..], CultureInfo.InvariantCulture);
        var count = cuda.device_count();
        if (index >= count)
            throw new UsageException($"{setting} is {ConfigScalars.Show(name)} but this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}; pick one of those.");
        return new Device(device);
    }

    static string UseCpu(string setting) =>
        setting.StartsWith("--", StringComparison.Ordinal) ? $"pass {setting} cpu" : $"set {setting}=cpu (or pass --device cpu)";

    /// <summary>CUDA devices libtorch can use here (0 on a CPU build or without a GPU).</summary>
    public static int CudaCount() => cuda.is_available() ? cuda.device_count() : 0;

    /// <summary>Sets libtorch's intra-op threads once: train.threads, or every core when 0.</summary>
    public static int SetThreads(int requested)
    {
        int threads = requested > 0 ? requested : Environment.ProcessorCount;
        set_num_threads(threads);
        return threads;
    }
}
