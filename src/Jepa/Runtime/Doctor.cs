using System.Diagnostics;
using System.Reflection;
using TorchSharp;

namespace Jepa.Runtime;

/// <summary>
/// What is installed and usable: ffmpeg and ffprobe, the torch backend, CUDA, threads, and the
/// libstdc++ case. Each missing piece comes with the command that installs or fixes it.
/// </summary>
public static class Doctor
{
    static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs every check; never throws (a failed check is a <see cref="DoctorStatus.Fail"/> line).</summary>
    public static DoctorReport Run()
    {
        var lines = new List<DoctorLine>
        {
            Tool("ffmpeg"),
            Tool("ffprobe"),
            // Before any torch call: this is the reason a torch failure would happen on Debian 12.
            LibStdCxx(),
        };
        lines.AddRange(Torch());
        return new DoctorReport(lines);
    }

    static DoctorLine Tool(string name)
    {
        var path = FindOnPath(name);
        if (path is null)
            return new DoctorLine(name, DoctorStatus.Fail, $"not found on PATH; install FFmpeg (it brings ffmpeg and ffprobe): {InstallFfmpegHint()}");
        try
        {
            var first = FirstLineOf(path, "-version");
            return new DoctorLine(name, DoctorStatus.Ok, $"{path} ({first})");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return new DoctorLine(name, DoctorStatus.Fail, $"{path} does not run ({e.Message.TrimEnd('.')}); reinstall FFmpeg: {InstallFfmpegHint()}");
        }
    }

    /// <summary>The install command for this OS, as the user would type it.</summary>
    public static string InstallFfmpegHint()
    {
        if (OperatingSystem.IsMacOS()) return "brew install ffmpeg";
        if (OperatingSystem.IsWindows()) return "winget install --id Gyan.FFmpeg -e, then open a new terminal";
        if (FindOnPath("apt-get") is not null) return "sudo apt-get install -y ffmpeg";
        if (FindOnPath("dnf") is not null) return "sudo dnf install -y ffmpeg (from RPM Fusion)";
        if (FindOnPath("pacman") is not null) return "sudo pacman -S ffmpeg";
        return "install the ffmpeg package of your distribution (on Debian/Ubuntu: sudo apt-get install -y ffmpeg)";
    }

    static DoctorLine LibStdCxx()
    {
        var (found, detail) = LibStdCxxFix.Result;
        return found switch
        {
            LibStdCxxCase.NotApplicable => new DoctorLine("libstdc++", DoctorStatus.Ok, $"no patch needed ({detail})"),
            LibStdCxxCase.SystemIsNewEnough => new DoctorLine("libstdc++", DoctorStatus.Ok,
                "the system libstdc++ has GLIBCXX_3.4.32 (GCC 13+), which TorchSharp 0.107 asks for; nothing patched"),
            LibStdCxxCase.Patched => new DoctorLine("libstdc++", DoctorStatus.Ok,
                $"the system libstdc++ stops before GLIBCXX_3.4.32 (as on Debian 12 / Ubuntu 22.04); marked that unused requirement weak in {detail} just now"),
            LibStdCxxCase.AlreadyPatched => new DoctorLine("libstdc++", DoctorStatus.Ok,
                $"the system libstdc++ stops before GLIBCXX_3.4.32 (as on Debian 12 / Ubuntu 22.04); {detail} was already patched to accept it"),
            _ => new DoctorLine("libstdc++", DoctorStatus.Warn,
                $"the system libstdc++ lacks GLIBCXX_3.4.32 and the TorchSharp library could not be patched ({detail}); make the program folder writable and run again, or use a distribution with GCC 13+"),
        };
    }

    static IEnumerable<DoctorLine> Torch()
    {
        var sharpVersion = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                           ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        string libtorch;
        try
        {
            libtorch = torch.__version__;
        }
        catch (Exception e) // a native load failure surfaces as several exception types; all mean "torch is unusable"
        {
            return [new DoctorLine("torch", DoctorStatus.Fail,
                $"TorchSharp {sharpVersion} cannot load libtorch ({(e.InnerException ?? e).Message.Split('\n')[0].TrimEnd('.')}); rebuild with `dotnet build -c Release` and check `ldd -r` on libLibTorchSharp.so in the program folder")];
        }

        var lines = new List<DoctorLine> { new("torch", DoctorStatus.Ok, $"TorchSharp {sharpVersion}, libtorch {libtorch}, {(IsCudaBuild() ? "CUDA" : "CPU")} build") };
        if (torch.cuda.is_available())
            lines.Add(new DoctorLine("cuda", DoctorStatus.Ok, $"available, {torch.cuda.device_count()} device(s)"));
        else if (IsCudaBuild())
            lines.Add(new DoctorLine("cuda", DoctorStatus.Warn, "CUDA build, but no GPU is usable; check the driver with nvidia-smi"));
        else
            lines.Add(new DoctorLine("cuda", DoctorStatus.Warn, "not available: this is the CPU build of libtorch; on a GPU machine rebuild with `dotnet build -c Release -p:TorchBackend=cuda`"));
        lines.Add(new DoctorLine("threads", DoctorStatus.Ok, $"torch uses {torch.get_num_threads()} thread(s); the machine has {Environment.ProcessorCount} core(s)"));
        return lines;
    }

    /// <summary>True when the CUDA libtorch natives sit next to the program (built with -p:TorchBackend=cuda).</summary>
    static bool IsCudaBuild()
    {
        var names = new[] { "libtorch_cuda.so", "torch_cuda.dll" };
        var dirs = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), Path.Combine(AppContext.BaseDirectory, "runtimes", "win-x64", "native") };
        return dirs.SelectMany(d => names.Select(n => Path.Combine(d, n))).Any(File.Exists);
    }

    /// <summary>The full path of an executable found on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        var exts = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", "" } : [""];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var ext in exts)
            {
                var candidate = Path.Combine(dir, name + ext);
                if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
            }
        }
        return null;
    }

    static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    static string FirstLineOf(string exe, string argument)
    {
        var info = new ProcessStartInfo(exe, argument)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the process did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync(); // drained so a chatty tool never blocks on a full pipe
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"no answer within {ToolTimeout.TotalSeconds:0} s");
        }
        var text = stdout.Result.Length > 0 ? stdout.Result : stderr.Result;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no version printed";
    }
}
