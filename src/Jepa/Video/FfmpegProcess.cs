using System.ComponentModel;
using System.Diagnostics;
using Jepa.Config;

namespace Jepa.Video;

/// <summary>
/// Runs ffmpeg or ffprobe as a plain <see cref="Process"/> (measured faster than FFMpegCore's
/// wrapper for one-shot calls, and it gives direct control of kill-on-timeout).
/// </summary>
internal static partial class FfmpegProcess
{
    /// <summary>What a finished process left: exit code, stdout bytes (Length valid), stderr text.</summary>
    internal sealed record Result(int ExitCode, byte[] Stdout, int Length, string Stderr)
    {
        /// <summary>The last non-empty stderr line: ffmpeg puts the reason for a failure there.</summary>
        public string LastErrorLine =>
            Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                  .LastOrDefault() ?? $"exit code {ExitCode}";

        /// <summary><see cref="LastErrorLine"/> without ffmpeg's leading "path: ", which the index already shows.</summary>
        public string ErrorFor(string path)
        {
            var line = LastErrorLine;
            return line.StartsWith(path + ": ", StringComparison.Ordinal) ? line[(path.Length + 2)..] : line;
        }
    }

    /// <summary>Starts <paramref name="exe"/> (looked up on PATH) with its arguments passed verbatim.</summary>
    public static Process Start(string exe, IEnumerable<string> args, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"{exe} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new UsageException(
                $"{exe} was not found on PATH; install FFmpeg (e.g. apt-get install ffmpeg) and run jepa doctor.", e);
        }
    }

    /// <summary>
    /// Runs to completion, reading stdout into one buffer (pre-sized by <paramref name="expectedBytes"/>
    /// so the common case never copies) and stderr alongside, so neither pipe can fill and block.
    /// A process still running after <paramref name="timeout"/> is killed and reported as
    /// <c>timed out</c>; cancellation through <paramref name="ct"/> kills it too and rethrows.
    /// </summary>
    public static async Task<Result> RunAsync(
        string exe, IReadOnlyList<string> args, string videoPath, int expectedBytes, TimeSpan timeout,
        CancellationToken ct)
    {
        using var process = Start(exe, args);
        if (expectedBytes >= LargePipe)
            Widen(process.StandardOutput.BaseStream);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        // Killing on cancellation closes the pipes, so a read blocked on a hung ffmpeg always returns.
        using var killOnCancel = cts.Token.Register(() => Kill(process));
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            var (buffer, length) = await ReadAllAsync(process.StandardOutput.BaseStream, expectedBytes, cts.Token);
            await process.WaitForExitAsync(cts.Token);
            cts.Token.ThrowIfCancellationRequested();
            return new Result(process.ExitCode, buffer, length, await stderrTask);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            ct.ThrowIfCancellationRequested();
            throw new VideoException(videoPath, "timed out");
        }
    }

    private static async Task<(byte[] Buffer, int Length)> ReadAllAsync(
        Stream stream, int expectedBytes, CancellationToken ct)
    {
        // Not zeroed first: every byte handed out was read (Length), and the decoders' buffers are large.
        var buffer = GC.AllocateUninitializedArray<byte>(Math.Max(expectedBytes, 1 << 16));
        var probe = new byte[1];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                // Full: a one-byte read tells end-of-stream from more data, so a buffer sized exactly
                // for the expected frames is handed out as is, without a copy.
                if (await stream.ReadAsync(probe, ct) == 0)
                    return (buffer, length);
                Array.Resize(ref buffer, checked(buffer.Length * 2));
                buffer[length++] = probe[0];
            }
            int n = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (n == 0)
                return (buffer, length);
            length += n;
        }
    }

    /// <summary>Output at least this large gets a pipe of this size (Linux), see <see cref="Widen"/>.</summary>
    internal const int LargePipe = 1 << 20;

    /// <summary>
    /// Raises the pipe's capacity from Linux's 64 KiB to <see cref="LargePipe"/> (the most an unprivileged
    /// process may ask for by default), so a decoder writing 150-KB frames is not stopped several times a
    /// frame and the reader wakes up once per megabyte instead of once per 64 KiB. Elsewhere, or if the
    /// kernel refuses, the pipe stays as it is: only the speed differs.
    /// </summary>
    private static void Widen(Stream stdout)
    {
        if (!OperatingSystem.IsLinux() || stdout is not System.IO.Pipes.PipeStream pipe)
            return;
        try
        {
            _ = SetPipeSize((int)pipe.SafePipeHandle.DangerousGetHandle(), FSetPipeSize, LargePipe);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: the default pipe.
        }
    }

    private const int FSetPipeSize = 1031; // F_SETPIPE_SZ, linux/fcntl.h

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int SetPipeSize(int fd, int command, int size);

    /// <summary>Kills the process and its children; a process that already exited is fine.</summary>
    internal static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }
}
