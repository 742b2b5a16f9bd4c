using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Jepa.Data;

/// <summary>
/// CPU-seconds spent so far by this process (all threads) plus its finished child processes (the
/// ffmpeg decoders), from <c>getrusage(RUSAGE_SELF)</c> and <c>getrusage(RUSAGE_CHILDREN)</c>. The
/// kernel adds a child's time to RUSAGE_CHILDREN when it is reaped, and .NET reaps every process it
/// starts as soon as it exits, so the difference of two readings covers every decoder that finished
/// between them. Linux only: elsewhere <see cref="Now"/> is null and the figures built on it are left out.
/// </summary>
public static partial class CpuClock
{
    /// <summary>CPU-seconds of this process and its reaped children, or null where getrusage is not read.</summary>
    public static double? Now()
    {
        if (!OperatingSystem.IsLinux()) return null;
        return Seconds(RusageSelf) + Seconds(RusageChildren);
    }

    /// <summary>CPU-seconds of the reaped children alone (the ffmpeg decoders), or null where getrusage is not read.</summary>
    public static double? Children() => OperatingSystem.IsLinux() ? Seconds(RusageChildren) : null;

    private const int RusageSelf = 0, RusageChildren = -1;

    private static double Seconds(int who)
    {
        if (GetRusage(who, out var u) != 0)
            throw new UnreachableException($"getrusage({who}) failed with errno {Marshal.GetLastPInvokeError()}.");
        return u.UserSec + u.UserUsec / 1e6 + u.SystemSec + u.SystemUsec / 1e6;
    }

    // struct rusage on 64-bit Linux: two struct timeval (user, system time) and 14 longs we do not read.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSec, UserUsec, SystemSec, SystemUsec;
        public long R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13;
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out Rusage usage);
}
