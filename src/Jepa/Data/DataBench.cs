using System.Diagnostics;
using Jepa.Config;
using Jepa.Video;
using Serilog;

namespace Jepa.Data;

/// <summary>
/// Throughput of the loader with a given number of decode workers, and how close it comes to the
/// decoder's limit: <paramref name="DecodedPerDelivered"/> is the estimated frames ffmpeg decodes per
/// frame the loader hands out, <paramref name="CpuSPerClip"/> the CPU-seconds of jepa and its ffmpeg
/// children per clip (null off Linux), <paramref name="Efficiency"/> clips/s over <paramref name="LimitClipsPerS"/>.
/// </summary>
public sealed record LoaderSpeed(
    int Workers, double FramesPerS, double ClipsPerS, double Ratio,
    double DecodedPerDelivered, double? CpuSPerClip, double LimitClipsPerS, double Efficiency);

/// <summary>What <see cref="DataBench"/> measured: raw ffmpeg and the loader on the same clips, and the decoder's limit.</summary>
public sealed record DataBenchResult(
    int Videos, int Frames, double Fps, int Size, double Seconds,
    double FfmpegFramesPerS, string FfmpegCommand, IReadOnlyList<LoaderSpeed> Loader,
    int Cores, ContinuousDecodeResult Continuous)
{
    /// <summary>The loader's frames/s with one worker.</summary>
    public double LoaderFramesPerS => Loader[0].FramesPerS;

    /// <summary>Loader (one worker) over raw ffmpeg: 1 means no overhead.</summary>
    public double Ratio => Loader[0].Ratio;

    /// <summary>The row with the most clips/s.</summary>
    public LoaderSpeed Best => Loader.MaxBy(l => l.ClipsPerS)!;
}

/// <summary>
/// Measures the streaming loader against the bare ffmpeg command doing the same decode and filters
/// on the same clips (the sampler's clips for steps 0, 1, …), each for a fixed time, and both against
/// the physical limit of per-clip decoding: cores × continuous decode fps ÷ frames decoded per clip
/// (PLATFORM.md, "Video decoding at training scale"). This is the speed goal's yardstick; it lives in
/// a command, never in a timed test (STYLE.md #12).
/// </summary>
public static class DataBench
{
    /// <summary>At most this much of each video is decoded for the continuous rate: enough to average over GOPs, short enough for 2-minute 1080p files.</summary>
    private const double ContinuousSecondsOfVideo = 20;

    /// <summary>Runs ffmpeg alone, the continuous decoder, then the loader with 1..<paramref name="maxWorkers"/> workers, each for <paramref name="seconds"/>.</summary>
    public static async Task<DataBenchResult> RunAsync(
        IReadOnlyList<(string Path, double DurationS)> videos, JepaConfig config, int maxWorkers, double seconds, ILogger log, CancellationToken ct)
    {
        var d = config.Data;
        int batch = config.Train.BatchSize, frames = d.Frames;
        var bad = new BadVideoLog(null, log);
        var source = new StreamingClipSource(videos, d, bad, "--data");
        ClipRef ClipAt(long i) => ClipSampler.Sample(config.Seed, i / batch, (int)(i % batch), source.FrameCounts, frames, d.Hflip, d.CropScaleMin);

        // Raw ffmpeg: the same clips, one process at a time, frames thrown away by ffmpeg itself.
        var clock = Stopwatch.StartNew();
        long rawFrames = 0;
        string command = "";
        for (long i = 0; clock.Elapsed.TotalSeconds < seconds; i++)
        {
            var clip = ClipAt(i);
            var args = FrameDecoder.Arguments(source.PathOf(clip.Video), clip.Start / d.Fps, frames, d.Fps, d.Size);
            args[^1] = "/dev/null";
            args.Insert(args.Count - 1, "-y");
            if (i == 0)
                command = "ffmpeg " + string.Join(' ', args.Select(ShellQuote.Quote));
            using var p = FfmpegProcess.Start("ffmpeg", args);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            await stderr;
            rawFrames += frames;
        }
        double ffmpegFps = rawFrames / clock.Elapsed.TotalSeconds;

        // The decoder alone, from the first frame on, over the videos the clips come from.
        var used = Enumerable.Range(0, Math.Max(batch, 8)).Select(i => ClipAt(i).Video).Distinct().Select(source.PathOf).ToList();
        var continuous = await ContinuousDecode.MeasureAsync(used, seconds, ContinuousSecondsOfVideo, ct);
        int cores = Environment.ProcessorCount;

        var keyframes = new Dictionary<int, KeyframeIndex>();
        var speeds = new List<LoaderSpeed>();
        for (int w = 1; w <= maxWorkers; w++)
        {
            long batches = 0;
            double elapsed;
            double? cpuStart = CpuClock.Now(), cpuEnd;
            using (var loader = new BatchLoader(source, batch, frames, d.Hflip, d.CropScaleMin, config.Seed, firstStep: 0, workers: w))
            {
                clock.Restart();
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    loader.Next(ct);
                    batches++;
                }
                elapsed = clock.Elapsed.TotalSeconds;
                // Read before Dispose kills the decoders still running: their clips were never delivered.
                cpuEnd = CpuClock.Now();
            }
            long clips = batches * batch;
            double fps = clips * frames / elapsed, clipsPerS = clips / elapsed;

            // Keyframes are read after the timing, so ffprobe's work is not charged to the loader.
            double decoded = 0;
            for (long i = 0; i < clips; i++)
            {
                var clip = ClipAt(i);
                if (!keyframes.TryGetValue(clip.Video, out var index))
                    keyframes[clip.Video] = index = await KeyframeIndex.ProbeAsync(source.PathOf(clip.Video), ct);
                double start = clip.Start / d.Fps;
                decoded += index.FramesDecoded(start, start + frames / d.Fps);
            }
            double decodedPerClip = decoded / clips;
            double limit = cores * continuous.FramesPerCpuS / decodedPerClip;
            double? cpuPerClip = cpuEnd - cpuStart is { } cpu ? cpu / clips : null;
            speeds.Add(new LoaderSpeed(w, fps, clipsPerS, fps / ffmpegFps, decodedPerClip / frames, cpuPerClip, limit, clipsPerS / limit));
        }
        return new DataBenchResult(videos.Count, frames, d.Fps, d.Size, seconds, ffmpegFps, command, speeds, cores, continuous);
    }
}
