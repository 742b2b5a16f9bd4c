using System.Diagnostics;
using Jepa.Worlds;

namespace Jepa.Tests.TestSupport;

/// <summary>
/// Small videos generated once per test run (lazily, thread-safe) in a temporary folder that is
/// deleted when the test process exits. Every file is tiny so the whole suite stays fast on 2 cores.
/// </summary>
public static class TestVideos
{
    /// <summary>Folder holding everything generated for this test process.</summary>
    public static string Root { get; } = CreateRoot();

    /// <summary>Options of <see cref="BouncingDir"/>: 6 train + 2 val videos, 2 s at 8 fps, 64 px.</summary>
    public static SynthOptions BouncingOptions { get; } = new()
    {
        TrainCount = 6, ValCount = 2, Seconds = 2, Fps = 8, Size = 64, Seed = 7,
    };

    private static readonly Lazy<string> s_bouncing = new(() =>
        SynthBouncing.Generate(Path.Combine(Root, "bouncing"), BouncingOptions).OutDir);

    /// <summary>A synthetic set with <c>train/</c>, <c>val/</c> and <c>manifest.csv</c>.</summary>
    public static string BouncingDir => s_bouncing.Value;

    private static readonly Lazy<string> s_testsrc = new(() => Make("testsrc30.mp4",
        "-f", "lavfi", "-i", "testsrc2=s=80x48:r=30:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart"));

    /// <summary>ffmpeg's testsrc2 pattern: 80×48, 30 fps, 2 s (60 frames), H.264, index at the front.</summary>
    public static string Testsrc30 => s_testsrc.Value;

    private static readonly Lazy<string> s_colourSwitch = new(() => Make("red-then-blue.mp4",
        "-f", "lavfi", "-i", "color=c=red:s=48x48:r=25:d=1", "-f", "lavfi", "-i", "color=c=blue:s=48x48:r=25:d=1",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    /// <summary>48×48 at 25 fps: solid red for the first second, solid blue for the second.</summary>
    public static string RedThenBlue => s_colourSwitch.Value;

    private static readonly Lazy<string> s_rotated = new(() => Make("rotated.mp4",
        "-i", Testsrc30, "-c", "copy", "-metadata:s:v:0", "rotate=90"));

    /// <summary><see cref="Testsrc30"/> with a 90° display rotation (as phones record): shown 48×80.</summary>
    public static string Rotated => s_rotated.Value;

    private static readonly Lazy<string> s_audioOnly = new(() => Make("audio-only.m4a",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"));

    /// <summary>A valid media file with sound and no video stream.</summary>
    public static string AudioOnly => s_audioOnly.Value;

    private static readonly Lazy<string> s_truncated = new(() =>
    {
        var path = Path.Combine(Root, "truncated.mp4");
        var bytes = File.ReadAllBytes(Testsrc30);
        // Three quarters: enough that some frames decode (cut before the first keyframe ends, nothing does).
        File.WriteAllBytes(path, bytes[..(bytes.Length * 3 / 4)]);
        return path;
    });

    /// <summary>The first three quarters of the bytes of <see cref="Testsrc30"/>: a download cut off mid-stream.</summary>
    public static string Truncated => s_truncated.Value;

    private static readonly Lazy<string> s_garbage = new(() =>
    {
        var path = Path.Combine(Root, "garbage.mp4");
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    });

    /// <summary>4 KiB of random bytes named .mp4.</summary>
    public static string Garbage => s_garbage.Value;

    private static readonly Lazy<string> s_empty = new(() =>
    {
        var path = Path.Combine(Root, "empty.mp4");
        File.WriteAllBytes(path, []);
        return path;
    });

    /// <summary>A zero-byte .mp4.</summary>
    public static string Empty => s_empty.Value;

    /// <summary>A path in <see cref="Root"/> where no file exists.</summary>
    public static string Missing => Path.Combine(Root, "does-not-exist.mp4");

    /// <summary>A new empty folder under <see cref="Root"/> for one test's own files.</summary>
    public static string NewFolder(string name)
    {
        var dir = Path.Combine(Root, "scratch", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs ffmpeg with <paramref name="args"/> writing <paramref name="name"/> in <see cref="Root"/>.</summary>
    public static string Make(string name, params string[] args)
    {
        var path = Path.Combine(Root, name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-loglevel", "error", "-y" }.Concat(args).Append(path))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not make test video {name}: {stderr}");
        return path;
    }

    private static string CreateRoot()
    {
        DeleteStaleRoots();
        var root = Path.Combine(Path.GetTempPath(), $"jepa-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { /* Best effort: the OS cleans its temp folder eventually. */ }
        };
        return root;
    }

    // The test host is often stopped without running ProcessExit handlers, so earlier runs' folders
    // are removed here when the process that made them is gone.
    private static void DeleteStaleRoots()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "jepa-tests-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)["jepa-tests-".Length..], out int pid) || IsRunning(pid))
                continue;
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { /* Another run is deleting it too. */ }
            catch (UnauthorizedAccessException) { /* Someone else's folder on a shared machine. */ }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
