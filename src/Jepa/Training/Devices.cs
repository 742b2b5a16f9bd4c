using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>Turns train.device (auto | cpu | cuda | cuda:N) into a torch device, with one sentence when it cannot.</summary>
public static class Devices
{
    public static Device Resolve(string name)
    {
        if (name == "auto") return cuda.is_available() ? CUDA : CPU;
        if (name == "cpu") return CPU;
        if (name.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new UsageException($"train.device is '{name}' but no CUDA device is usable here (CPU build of TorchSharp, or no GPU/driver); run 'jepa doctor', rebuild with -p:TorchBackend=cuda, or set train.device=cpu.");
            return new Device(name);
        }
        throw new UsageException($"train.device '{name}' is not one of auto, cpu, cuda, cuda:N.");
    }

    /// <summary>Sets libtorch's intra-op threads once: train.threads, or every core when 0.</summary>
    public static int SetThreads(int requested)
    {
        int threads = requested > 0 ? requested : Environment.ProcessorCount;
        set_num_threads(threads);
        return threads;
    }
}
