using System.Diagnostics;
using Jepa.Config;
using Jepa.Video;
using Serilog;

namespace Jepa.Data;

/// <summary>Throughput of the loader with a given number of decode workers.</summary>
public sealed record LoaderSpeed(int Workers, double FramesPerS, double ClipsPerS, double Ratio);

/// <summary>What <see cref="DataBench"/> measured: raw ffmpeg and the loader on the same clips.</summary>
public sealed record DataBenchResult(
    int Videos, int Frames, double Fps, int Size, double Seconds,
    double FfmpegFramesPerS, string FfmpegCommand, IReadOnlyList<LoaderSpeed> Loader)
{
    /// <summary>The loader's frames/s with one worker.</summary>
    public double LoaderFramesPerS => Loader[0].FramesPerS;

    /// <summary>Loader (one worker) over raw ffmpeg: 1 means no overhead.</summary>
    public double Ratio => Loader[0].Ratio;
}

/// <summary>
/// Measures the streaming loader against the bare ffmpeg command doing the same decode and filters
/// on the same clips (the sampler's clips for steps 0, 1, …), each for a fixed time. This is the
/// speed goal's yardstick; it lives in a command, never in a timed test (STYLE.md #12).
/// </summary>
public static class DataBench
{
    /// <summary>Runs ffmpeg alone, then the loader with 1..<paramref name="maxWorkers"/> workers, each for <paramref name="seconds"/>.</summary>
    public static async Task<DataBenchResult> RunAsync(
        IReadOnlyList<(string Path, double DurationS)> videos, JepaConfig config, int maxWorkers, double seconds, ILogger log, CancellationToken ct)
    {
        var d = config.Data;
        int batch = config.Train.BatchSize, frames = d.Frames;
        var bad = new BadVideoLog(null, log);
        var source = new StreamingClipSource(videos, d, bad, "--data");

        // Raw ffmpeg: the same clips, one process at a time, frames thrown away by ffmpeg itself.
        var clock = Stopwatch.StartNew();
        long rawFrames = 0;
        string command = "";
        for (long i = 0; clock.Elapsed.TotalSeconds < seconds; i++)
        {
            var clip = ClipSampler.Sample(config.Seed, i / batch, (int)(i % batch), source.FrameCounts, frames, d.Hflip, d.CropScaleMin);
            var args = FrameDecoder.Arguments(source.PathOf(clip.Video), clip.Start / d.Fps, frames, d.Fps, d.Size);
            args[^1] = "/dev/null";
            args.Insert(args.Count - 1, "-y");
            if (i == 0)
                command = "ffmpeg " + string.Join(' ', args.Select(Quote));
            using var p = FfmpegProcess.Start("ffmpeg", args);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            await stderr;
            rawFrames += frames;
        }
        double ffmpegFps = rawFrames / clock.Elapsed.TotalSeconds;

        var speeds = new List<LoaderSpeed>();
        for (int w = 1; w <= maxWorkers; w++)
        {
            using var loader = new BatchLoader(source, batch, frames, d.Hflip, d.CropScaleMin, config.Seed, firstStep: 0, workers: w);
            clock.Restart();
            long batches = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                loader.Next(ct);
                batches++;
            }
            double elapsed = clock.Elapsed.TotalSeconds;
            double fps = batches * batch * frames / elapsed;
            speeds.Add(new LoaderSpeed(w, fps, batches * batch / elapsed, fps / ffmpegFps));
        }
        return new DataBenchResult(videos.Count, frames, d.Fps, d.Size, seconds, ffmpegFps, command, speeds);
    }

    private static string Quote(string a) => a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or ',' or ';') ? $"'{a.Replace("'", "'\\''")}'" : a;
}
