using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>
/// What the driver says about the GPU: its name and this process's memory, from nvidia-smi (TorchSharp 0.107
/// has no CUDA memory statistics), and the peak dense TFLOP/s by precision from NVIDIA's datasheets.
/// </summary>
public static class GpuInfo
{
    // Dense (no sparsity) tensor-core peaks, SXM parts unless named: fp32 (no tensor cores), tf32, bf16.
    private static readonly (string Name, double Fp32, double Tf32, double Bf16)[] Peaks =
    [
        ("H200", 67, 495, 989),
        ("H100 PCIe", 51, 378, 756),
        ("H100", 67, 495, 989),
        ("A100", 19.5, 156, 312),
        ("L40S", 91.6, 183, 362),
        ("RTX 4090", 82.6, 82.6, 165.2),
    ];

    /// <summary>The GPU's name as nvidia-smi gives it, or "cuda:N" when nvidia-smi cannot be run.</summary>
    public static string Name(Device device)
    {
        var index = device.index < 0 ? 0 : device.index;
        var names = Smi("--query-gpu=name", "--format=csv,noheader");
        return names is not null && names.Length > index ? names[index] : $"cuda:{index}";
    }

    /// <summary>Peak TFLOP/s of <paramref name="gpu"/> for fp32, tf32 or bf16, or null for a card not in the table.</summary>
    public static double? PeakTflops(string gpu, string precision)
    {
        foreach (var p in Peaks)
            if (gpu.Contains(p.Name, StringComparison.OrdinalIgnoreCase))
                return precision switch { "bf16" => p.Bf16, "tf32" => p.Tf32, _ => p.Fp32 };
        return null;
    }

    /// <summary>GPU memory this process holds (libtorch's caching allocator keeps its peak), or null when unknown.</summary>
    public static long? UsedMemoryBytes()
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var rows = Smi("--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits");
        var mine = rows?.Select(r => r.Split(',', StringSplitOptions.TrimEntries)).FirstOrDefault(r => r.Length == 2 && r[0] == pid);
        return mine is not null && long.TryParse(mine[1], CultureInfo.InvariantCulture, out var mib) ? mib << 20 : null;
    }

    private static string[]? Smi(params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            return p.ExitCode == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no nvidia-smi on this machine
        }
    }
}
