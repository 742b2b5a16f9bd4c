using System.Runtime.InteropServices;

namespace Jepa.Runtime;

/// <summary>
/// Makes libtorch's OpenMP threads sleep while they wait (OMP_WAIT_POLICY=PASSIVE) unless the user chose
/// otherwise. Spinning threads on a machine whose cores are shared (decode workers, other jobs, CI) made
/// training steps up to 8× slower here (measured with the PyTorch twin under load: 0.13 against 1.07
/// steps/s); the twin's bench.py uses the same default, so the two are compared alike.
/// </summary>
public static partial class OpenMpWait
{
    /// <summary>Sets the policy in the native environment, which OpenMP reads once when libtorch loads: call before the first torch call.</summary>
    public static void Ensure()
    {
        // .NET's Environment.SetEnvironmentVariable changes only the managed copy on Unix; OpenMP reads libc's.
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
