using System.Globalization;
using Jepa.Video;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// A looping animated PNG (APNG) of equal-sized pictures, encoded by ffmpeg from raw RGB on a pipe.
/// Browsers show it in a plain &lt;img&gt;, so the report stays one file with no script and no network.
/// </summary>
public static class Animation
{
    // A few dozen small frames take well under a second; a minute means ffmpeg is stuck.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>APNG bytes of <paramref name="frames"/> shown at <paramref name="fps"/>, looping forever.</summary>
    public static byte[] Apng(IReadOnlyList<RgbImage> frames, double fps)
    {
        if (frames.Count == 0) throw new ArgumentException("an animation needs at least one frame", nameof(frames));
        int w = frames[0].Width, h = frames[0].Height;
        if (frames.Any(f => f.Width != w || f.Height != h))
            throw new ArgumentException("every frame of an animation must have the same size", nameof(frames));
        string[] args =
        [
            "-nostdin", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{w}x{h}", "-r", fps.ToString("R", CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-plays", "0", "-pix_fmt", "rgb24", "-f", "apng", "pipe:1",
        ];
        using var process = FfmpegProcess.Start("ffmpeg", args, redirectStdin: true);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var output = new MemoryStream();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(output);
        try
        {
            using (var stdin = process.StandardInput.BaseStream)
                foreach (var f in frames)
                    stdin.Write(f.Rgb);
        }
        catch (IOException e)
        {
            FfmpegProcess.Kill(process);
            throw new IOException("ffmpeg stopped while encoding an animation of the report: " + stderr.Result.Trim(), e);
        }
        if (!process.WaitForExit(Timeout))
        {
            FfmpegProcess.Kill(process);
            throw new IOException("ffmpeg took over a minute to encode an animation of the report; see that ffmpeg runs (jepa doctor).");
        }
        stdout.Wait();
        if (process.ExitCode != 0 || output.Length == 0)
            throw new IOException("ffmpeg could not encode an animation of the report (APNG): " + stderr.Result.Trim());
        return output.ToArray();
    }

    /// <summary>Pictures side by side with <paramref name="gap"/> white pixels between them, on one canvas.</summary>
    public static RgbImage Row(IReadOnlyList<RgbImage> pictures, int gap = 4)
    {
        int w = pictures.Sum(p => p.Width) + gap * (pictures.Count - 1), h = pictures.Max(p => p.Height);
        var canvas = RgbImage.Filled(w, h, 255, 255, 255);
        int x = 0;
        foreach (var p in pictures)
        {
            canvas.Paste(p, x, 0);
            x += p.Width + gap;
        }
        return canvas;
    }

    /// <summary>Rows stacked with <paramref name="gap"/> white pixels between them.</summary>
    public static RgbImage Column(IReadOnlyList<RgbImage> pictures, int gap = 4)
    {
        int w = pictures.Max(p => p.Width), h = pictures.Sum(p => p.Height) + gap * (pictures.Count - 1);
        var canvas = RgbImage.Filled(w, h, 255, 255, 255);
        int y = 0;
        foreach (var p in pictures)
        {
            canvas.Paste(p, 0, y);
            y += p.Height + gap;
        }
        return canvas;
    }
}
