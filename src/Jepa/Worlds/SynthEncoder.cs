using System.Globalization;
using Jepa.Video;

namespace Jepa.Worlds;

/// <summary>Encodes raw RGB frames to an H.264 mp4 by piping them into one ffmpeg process.</summary>
internal static class SynthEncoder
{
    // A few dozen tiny frames encode in well under a second; minutes means ffmpeg is stuck.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Writes <paramref name="frames"/> ([T, Size, Size, 3] uint8) to <paramref name="outPath"/>.
    /// Encodes to a temporary name and renames, so an interrupted run never leaves a truncated mp4.
    /// </summary>
    /// <param name="lossless">
    /// x264 at qp 0 with no B-frames: each frame decodes to the same pixels whatever frames follow it.
    /// Lossy rate control looks ahead, so clips that differ only from frame e would differ slightly before e too.
    /// </param>
    public static void Encode(byte[] frames, SynthVideoSpec spec, string outPath, CancellationToken ct, bool lossless = false)
    {
        var tmp = outPath + ".part";
        string fps = spec.Fps.ToString("R", CultureInfo.InvariantCulture);
        string[] args =
        [
            "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{spec.Size}x{spec.Size}", "-r", fps, "-i", "pipe:0",
            // veryfast + crf 20: near-lossless for flat synthetic colours, and fast. One thread per
            // encoder, since two run at once. faststart puts the index first, so a truncated copy still decodes.
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast",
            .. (lossless ? new[] { "-qp", "0", "-bf", "0" } : ["-crf", "20"]), "-threads", "1",
            "-movflags", "+faststart", "-f", "mp4", tmp,
        ];
        using var process = FfmpegProcess.Start("ffmpeg", args, redirectStdin: true);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            using (var stdin = process.StandardInput.BaseStream)
                stdin.Write(frames);
            if (!process.WaitForExit(Timeout))
                throw new VideoException(outPath, "timed out");
            ct.ThrowIfCancellationRequested();
        }
        catch (Exception e) when (e is IOException or VideoException or OperationCanceledException)
        {
            FfmpegProcess.Kill(process);
            File.Delete(tmp);
            // A broken pipe means ffmpeg died early: its stderr says why.
            if (e is IOException)
                throw new VideoException(outPath, "cannot encode: " + LastLine(stderr.Result), e);
            throw;
        }
        stdout.Wait();
        if (process.ExitCode != 0)
        {
            File.Delete(tmp);
            throw new VideoException(outPath, "cannot encode: " + LastLine(stderr.Result));
        }
        File.Move(tmp, outPath, overwrite: true);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
        ?? "ffmpeg exited early";
}
