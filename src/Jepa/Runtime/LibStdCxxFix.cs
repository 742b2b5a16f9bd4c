using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Jepa.Runtime;

/// <summary>What <see cref="LibStdCxxFix"/> found on this machine.</summary>
public enum LibStdCxxCase
{
    /// <summary>Not Linux, or the TorchSharp native library was not found next to the assembly.</summary>
    NotApplicable,
    /// <summary>The system libstdc++ already has GLIBCXX_3.4.32 (GCC 13+): nothing to do.</summary>
    SystemIsNewEnough,
    /// <summary>The requirement was marked weak by this process.</summary>
    Patched,
    /// <summary>An earlier run had already marked the requirement weak.</summary>
    AlreadyPatched,
    /// <summary>The patch was needed but could not be written (read-only install).</summary>
    Failed,
}

/// <summary>
/// libLibTorchSharp.so in TorchSharp 0.107 asks for GLIBCXX_3.4.32 (GCC 13) for one symbol,
/// std::ios_base_library_init(), a link-time anchor nothing calls. Debian 12 and Ubuntu 22.04 stop at
/// 3.4.30, so the first torch call fails with a misleading message. We mark that version requirement
/// weak (VER_FLG_WEAK in its Elf64_Vernaux) in the copy the program loads, before the first torch call.
/// </summary>
public static class LibStdCxxFix
{
    const string NeededVersion = "GLIBCXX_3.4.32";
    const ushort VerFlgWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    static readonly object Gate = new();
    static LibStdCxxCase? _result;
    static string _detail = "";

    /// <summary>The case found by <see cref="Ensure"/>, and the library path or error behind it.</summary>
    public static (LibStdCxxCase Case, string Detail) Result
    {
        get { Ensure(); return (_result!.Value, _detail); }
    }

#pragma warning disable CA2255 // A module initializer is the one place that runs before any torch call.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Ensure();

    /// <summary>Applies the fix once per process; safe to call from anywhere.</summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (_result is not null) return;
            try
            {
                (_result, _detail) = Apply();
            }
            catch (Exception e)
            {
                (_result, _detail) = (LibStdCxxCase.Failed, e.Message);
            }
        }
    }

    static (LibStdCxxCase, string) Apply()
    {
        if (!OperatingSystem.IsLinux()) return (LibStdCxxCase.NotApplicable, "not Linux");
        var lib = FindTorchSharpNative();
        if (lib is null) return (LibStdCxxCase.NotApplicable, "libLibTorchSharp.so not found next to the program");
        if (SystemHasVersion()) return (LibStdCxxCase.SystemIsNewEnough, lib);

        var bytes = File.ReadAllBytes(lib);
        var offset = FindVernauxFlagsOffset(bytes, NeededVersion);
        if (offset < 0) return (LibStdCxxCase.NotApplicable, $"{lib} does not require {NeededVersion}");
        var flags = BitConverter.ToUInt16(bytes, offset);
        if ((flags & VerFlgWeak) != 0) return (LibStdCxxCase.AlreadyPatched, lib);

        // Write a patched copy beside the original, then rename over it: a crash never leaves half a file.
        var patched = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
        bytes[offset] = patched[0];
        bytes[offset + 1] = patched[1];
        var tmp = lib + ".jepa-patch-" + Environment.ProcessId;
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, lib, overwrite: true);
        return (LibStdCxxCase.Patched, lib);
    }

    static string? FindTorchSharpNative()
    {
        var dirs = new List<string> { AppContext.BaseDirectory };
        var torchAsm = typeof(TorchSharp.torch).Assembly.Location;
        if (!string.IsNullOrEmpty(torchAsm)) dirs.Add(Path.GetDirectoryName(torchAsm)!);
        foreach (var dir in dirs.Distinct())
        {
            foreach (var candidate in new[]
                     {
                         Path.Combine(dir, "libLibTorchSharp.so"),
                         Path.Combine(dir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                     })
            {
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>True when the libstdc++ the loader will pick defines GLIBCXX_3.4.32.</summary>
    public static bool SystemHasVersion()
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var handle)) return false;
        try
        {
            // dlvsym is the exact question, but it is not exposed; the version string in the file is.
            foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            {
                if (!File.Exists(path)) continue;
                var content = File.ReadAllBytes(path);
                return IndexOf(content, Encoding.ASCII.GetBytes(NeededVersion + "\0")) >= 0;
            }
            return false;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    /// <summary>
    /// Walks the ELF64 .gnu.version_r section and returns the file offset of vna_flags for the
    /// version named <paramref name="version"/>, or -1 when the file does not require it.
    /// </summary>
    public static int FindVernauxFlagsOffset(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2)
            throw new InvalidDataException("not a 64-bit ELF file");
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            uint type = BitConverter.ToUInt32(elf, (int)sh + 4);
            if (type != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            uint link = BitConverter.ToUInt32(elf, (int)sh + 0x28);
            uint count = BitConverter.ToUInt32(elf, (int)sh + 0x2C); // sh_info: number of Verneed entries
            long strSh = shoff + (long)link * shentsize;
            long strOff = BitConverter.ToInt64(elf, (int)strSh + 0x18);

            long vn = offset;
            for (uint n = 0; n < count; n++)
            {
                int vnCnt = BitConverter.ToUInt16(elf, (int)vn + 2);
                uint vnAux = BitConverter.ToUInt32(elf, (int)vn + 8);
                uint vnNext = BitConverter.ToUInt32(elf, (int)vn + 12);
                long aux = vn + vnAux;
                for (int a = 0; a < vnCnt; a++)
                {
                    uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                    uint auxNext = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (ReadCString(elf, strOff + name) == version) return (int)aux + 4;
                    if (auxNext == 0) break;
                    aux += auxNext;
                }
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return -1;
    }

    static string ReadCString(byte[] data, long at)
    {
        int end = (int)at;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)at, end - (int)at);
    }

    static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
