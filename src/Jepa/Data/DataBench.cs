using System.Diagnostics;
using Jepa.Config;
using Jepa.Video;
using Serilog;

namespace Jepa.Data;

/// <summary>
/// Throughput of one loader (<paramref name="Loader"/>: <c>clips</c>, one ffmpeg run per clip, or
/// <c>spans</c>, one per span of C clips) with a given number of decode workers, and how close it comes
/// to the decoder's limit: <paramref name="DecodedPerDelivered"/> is the estimated frames ffmpeg decodes
/// per frame the loader hands out, <paramref name="CpuSPerClip"/> the CPU-seconds of jepa and its ffmpeg
/// children per clip (null off Linux), <paramref name="Efficiency"/> clips/s over <paramref name="LimitClipsPerS"/>
/// (every core decoding), <paramref name="CoreEfficiency"/> the same over the cores the row can keep busy,
/// min(workers × <paramref name="DecodeThreads"/>, cores) (each span worker's ffmpeg processes), and
/// <paramref name="CpuEfficiency"/> the share of the loader's CPU time that is decoding (load-independent),
/// <paramref name="FfmpegCpuSPerClip"/> the part of <paramref name="CpuSPerClip"/> spent in the ffmpeg children (the rest is jepa's).
/// </summary>
public sealed record LoaderSpeed(
    int Workers, double FramesPerS, double ClipsPerS, double Ratio,
    double DecodedPerDelivered, double? CpuSPerClip, double LimitClipsPerS, double Efficiency,
    string Loader = "clips", double CoreEfficiency = double.NaN, double? CpuEfficiency = null, double? FfmpegCpuSPerClip = null, int DecodeThreads = 1);

/// <summary>One corpus of a bench run (raw sources, or a prepared corpus): its continuous decode rate and its loader rows.</summary>
public sealed record BenchCorpus(string Name, int Videos, ContinuousDecodeResult Continuous, IReadOnlyList<LoaderSpeed> Rows)
{
    /// <summary>The row with the most clips/s.</summary>
    public LoaderSpeed Best => Rows.MaxBy(l => l.ClipsPerS)!;
}

/// <summary>
/// What <see cref="DataBench"/> measured: raw ffmpeg and the per-clip loader on the same clips, and the
/// decoder's limit (today's figures, for the first corpus), and every corpus with both loaders.
/// </summary>
public sealed record DataBenchResult(
    int Videos, int Frames, double Fps, int Size, double Seconds,
    double FfmpegFramesPerS, string FfmpegCommand, IReadOnlyList<LoaderSpeed> Loader,
    int Cores, ContinuousDecodeResult Continuous, IReadOnlyList<BenchCorpus>? Corpora = null, int BatchSize = 0, int ClipsPerSpan = 0,
    double? LoadStart = null, double? LoadEnd = null)
{
    /// <summary>The loader's frames/s with one worker.</summary>
    public double LoaderFramesPerS => Loader[0].FramesPerS;

    /// <summary>Loader (one worker) over raw ffmpeg: 1 means no overhead.</summary>
    public double Ratio => Loader[0].Ratio;

    /// <summary>The row with the most clips/s.</summary>
    public LoaderSpeed Best => Loader.MaxBy(l => l.ClipsPerS)!;

    /// <summary>The last corpus's best span row over the first corpus's best per-clip row, in clips/s (prepared with the new loader against today's streaming from raw sources).</summary>
    public double? Speedup => Corpora is { Count: > 0 } c && c[^1].Rows.Where(r => r.Loader == "spans").MaxBy(r => r.ClipsPerS) is { } spans
        ? spans.ClipsPerS / Best.ClipsPerS : null;
}

/// <summary>
/// Measures the streaming loaders against the bare ffmpeg command doing the same decode and filters
/// on the same clips (the sampler's clips for steps 0, 1, …), each for a fixed time, and both against
/// the physical limit: cores × continuous decode fps ÷ frames decoded per clip (PLATFORM.md, "Video
/// decoding at training scale"). Each corpus given (raw sources, then a prepared one) gets both
/// loaders, per clip and per span, with 1..N workers. This is the speed goal's yardstick; it lives in
/// a command, never in a timed test (STYLE.md #12).
/// </summary>
public static class DataBench
{
    /// <summary>
    /// Frames of each video decoded for the continuous rate: enough to average over GOPs and make one process
    /// start ~5% of the time on a prepared corpus (~750 frames per CPU-second), ~20 CPU-s for a 1080p source.
    /// </summary>
    private const int ContinuousFrames = 1500;

    /// <summary>
    /// Runs ffmpeg alone on the first corpus, then for each corpus the continuous decoder and both
    /// loaders with 1..<paramref name="maxWorkers"/> workers, each for <paramref name="seconds"/>.
    /// </summary>
    public static async Task<DataBenchResult> RunAsync(
        IReadOnlyList<(string Path, double DurationS)> videos, JepaConfig config, int maxWorkers, double seconds, ILogger log, CancellationToken ct,
        IReadOnlyList<(string Path, double DurationS)>? prepared = null)
    {
        var d = config.Data;
        int batch = config.Train.BatchSize, frames = d.Frames;
        double? loadStart = LoadAverage();
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

        var corpora = new List<BenchCorpus>();
        foreach (var (name, list) in new[] { ("raw", videos), ("prepared", prepared) })
        {
            if (list is null) continue;
            log.Debug("bench data: {Corpus} corpus, {Count} videos", name, list.Count);
            corpora.Add(await CorpusAsync(name, list, config, maxWorkers, seconds, ffmpegFps, log, ct));
        }
        var first = corpora[0];
        return new DataBenchResult(videos.Count, frames, d.Fps, d.Size, seconds, ffmpegFps, command,
            first.Rows.Where(r => r.Loader == "clips").ToList(), Environment.ProcessorCount, first.Continuous, corpora, batch, d.ClipsPerSpan,
            loadStart, LoadAverage());
    }

    /// <summary>
    /// The one-minute load average (Linux: /proc/loadavg), or null elsewhere: clips/s and efficiency are
    /// wall-clock, so a reader needs to know how busy the machine was.
    /// </summary>
    public static double? LoadAverage()
    {
        try
        {
            return OperatingSystem.IsLinux()
                ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    // The continuous decode of one corpus, then the per-clip loader and the span loader with 1..maxWorkers workers.
    private static async Task<BenchCorpus> CorpusAsync(
        string name, IReadOnlyList<(string Path, double DurationS)> videos, JepaConfig config, int maxWorkers, double seconds, double ffmpegFps,
        ILogger log, CancellationToken ct)
    {
        var d = config.Data;
        int batch = config.Train.BatchSize, frames = d.Frames, cores = Environment.ProcessorCount;
        var bad = new BadVideoLog(null, log);
        var clipSource = new StreamingClipSource(videos, d, bad, "--data");
        var spanSource = new SpanClipSource(videos, d, bad, "--data");
        int perSpan = spanSource.ClipsPerSpan;
        ClipRef ClipAt(long i) => ClipSampler.Sample(config.Seed, i / batch, (int)(i % batch), clipSource.FrameCounts, frames, d.Hflip, d.CropScaleMin);

        // The decoder alone, from the first frame on, over the videos the clips come from.
        var used = Enumerable.Range(0, Math.Max(batch, 8)).Select(i => ClipAt(i).Video).Distinct().Select(clipSource.PathOf).ToList();
        var continuous = await ContinuousDecode.MeasureAsync(used, seconds, ContinuousFrames, ct);

        var keyframes = new Dictionary<int, KeyframeIndex>();
        async Task<double> Decoded(int video, double startS, double endS)
        {
            if (!keyframes.TryGetValue(video, out var index))
                keyframes[video] = index = await KeyframeIndex.ProbeAsync(clipSource.PathOf(video), ct);
            return index.FramesDecoded(startS, endS);
        }

        var rows = new List<LoaderSpeed>();
        foreach (var loaderKind in new[] { "clips", "spans" })
        {
            for (int w = 1; w <= maxWorkers; w++)
            {
                // The per-clip loader is today's baseline: one thread per ffmpeg, as before.
                int threads = loaderKind == "spans" ? TrainingData.DecodeThreadsFor(d, w, trainsOnCpu: false) : 1;
                long batches = 0, decodedClips;
                // The span loader decodes a round of blocks before its first batch; the rest of that round is
                // then ready at once, and counting it would credit a short row with clips decoded before its
                // clock started (raw 720p: a round is ~40 CPU-s, longer than the row). Its steps are taken
                // before the clock starts, so a row times whole rounds decoded while it runs.
                long before = loaderKind == "spans" ? (long)SpanPipeline.BlocksPerRound(batch, w, threads) * perSpan : 1;
                double elapsed;
                double? cpuStart, cpuEnd, childStart, childEnd;
                using (var loader = loaderKind == "clips"
                    ? new BatchLoader(clipSource, batch, frames, d.Hflip, d.CropScaleMin, config.Seed, firstStep: 0, workers: w)
                    : new BatchLoader(spanSource, batch, d.Hflip, d.CropScaleMin, config.Seed, firstStep: 0, workers: w, decodeThreads: threads))
                {
                    // Timed from the first batch on (the span loader: from the end of its first round): the steady
                    // state, not the start-up.
                    for (long i = 0; i < before; i++)
                        loader.Next(ct);
                    long decodedStart = loader.ClipsDecoded;
                    cpuStart = CpuClock.Now();
                    childStart = CpuClock.Children();
                    var clock = Stopwatch.StartNew();
                    // Whole rounds: a round's batches arrive together, so a row that stopped inside one would
                    // count the wait for it and not its batches.
                    while (clock.Elapsed.TotalSeconds < seconds || batches % before != 0)
                    {
                        loader.Next(ct);
                        batches++;
                    }
                    elapsed = clock.Elapsed.TotalSeconds;
                    // Read before Dispose kills the decoders still running: only finished decoders are in
                    // the CPU time, and only their clips in the count it is divided by.
                    cpuEnd = CpuClock.Now();
                    childEnd = CpuClock.Children();
                    decodedClips = loader.ClipsDecoded - decodedStart;
                }
                long clips = batches * batch;
                double fps = clips * frames / elapsed, clipsPerS = clips / elapsed;

                // Keyframes are read after the timing, so ffprobe's work is not charged to the loader.
                double decoded = 0;
                if (loaderKind == "clips")
                {
                    for (long i = before * batch; i < (before + batches) * batch; i++)
                    {
                        var clip = ClipAt(i);
                        double start = clip.Start / d.Fps;
                        decoded += await Decoded(clip.Video, start, start + frames / d.Fps);
                    }
                }
                else
                {
                    // Every span of the blocks the delivered steps belong to, shared by its C clips.
                    long firstBlock = before / perSpan, blocks = (before + batches - 1) / perSpan - firstBlock + 1;
                    for (long b = firstBlock; b < firstBlock + blocks; b++)
                        foreach (var span in SpanPlanner.Plan(config.Seed, b, spanSource.FrameCounts, frames, perSpan, batch, d.Hflip, d.CropScaleMin).Spans)
                            decoded += await Decoded(span.Video, span.Start / d.Fps, (span.Start + span.Length) / d.Fps);
                    clips = blocks * perSpan * batch;
                }
                double decodedPerClip = decoded / clips;
                double perCore = continuous.FramesPerCpuS / decodedPerClip; // clips per CPU-second of pure decoding
                double limit = cores * perCore;
                double? cpuPerClip = cpuEnd - cpuStart is { } cpu && decodedClips > 0 ? cpu / decodedClips : null;
                double? ffmpegPerClip = childEnd - childStart is { } child && decodedClips > 0 ? child / decodedClips : null;
                rows.Add(new LoaderSpeed(w, fps, clipsPerS, fps / ffmpegFps, decodedPerClip / frames, cpuPerClip, limit, clipsPerS / limit,
                    loaderKind, clipsPerS / (Math.Min(w * threads, cores) * perCore), cpuPerClip is { } c ? 1 / perCore / c : null, ffmpegPerClip, threads));
            }
        }
        return new BenchCorpus(name, videos.Count, continuous, rows);
    }
}
