using Jepa.Config;
using Jepa.Video;
using Serilog;

namespace Jepa.Data;

/// <summary>
/// The training videos, ready to cut clips from: decoded whole into memory when they fit
/// <c>data.cache_mb</c> (one ffmpeg run per video), otherwise indexed once and streamed, one ffmpeg
/// run per span of <c>data.clips_per_span</c> clips (or per clip when that is 1). Bad videos are set aside in <c>bad_videos.csv</c> either way; the run stops only
/// when none is usable.
/// </summary>
public sealed class TrainingData
{
    private TrainingData(IClipSource source, int workers, BadVideoLog bad, bool streaming, SpanClipSource? spans = null)
    {
        Source = source;
        Spans = spans;
        Workers = workers;
        Bad = bad;
        Streaming = streaming;
    }

    /// <summary>Where clips come from.</summary>
    public IClipSource Source { get; }

    /// <summary>When streaming with <c>data.clips_per_span</c> above 1: the same videos decoded a span of clips at a time.</summary>
    public SpanClipSource? Spans { get; }

    /// <summary>Decode workers filling batches.</summary>
    public int Workers { get; }

    /// <summary>The videos set aside so far (it grows while streaming finds more).</summary>
    public BadVideoLog Bad { get; }

    /// <summary>True when clips are decoded per use rather than served from memory.</summary>
    public bool Streaming { get; }

    /// <summary>Decode workers for <paramref name="data"/>: <c>data.workers</c>, or one per core of the run (<see cref="Cores"/>).</summary>
    public static int WorkersFor(DataConfig data) => data.Workers > 0 ? data.Workers : Cores;

    /// <summary>
    /// The cores this run may use: <c>JEPA_CPUS</c> when it is set (<c>jepa sweep --parallel</c> sets it for
    /// each run to its share, <c>jepa train</c> in a SLURM job to the job's CPUs per task), else every core
    /// .NET sees (affinity and cgroup limits included). What "auto" workers and decode threads count, so a
    /// run given 4 of a node's 64 cores with <c>data.workers: 2</c> decodes with 2 processes per worker, not 32.
    /// </summary>
    public static int Cores => CoresFrom(Environment.GetEnvironmentVariable(CoresVariable));

    /// <summary>The environment variable read by <see cref="Cores"/>.</summary>
    public const string CoresVariable = "JEPA_CPUS";

    internal static int CoresFrom(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return Math.Max(1, Environment.ProcessorCount);
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0)
            return n;
        throw new UsageException($"{CoresVariable} is '{value}'; it must be a whole number of at least 1 (the cores this run may use), or unset to use every core.");
    }

    /// <summary>
    /// Threads of each span decoder: <c>data.decode_threads</c>, or when it is 0, the cores the workers leave
    /// free (max(1, <paramref name="cores"/> ÷ workers), cores by default <see cref="Cores"/>) unless the model trains on the CPU (<paramref name="trainsOnCpu"/>),
    /// whose cores libtorch needs: then 1. On a GPU run with one worker on 2 cores, the worker's spans are
    /// decoded by 2 single-threaded ffmpeg processes at once instead of leaving a core idle.
    /// </summary>
    public static int DecodeThreadsFor(DataConfig data, int workers, bool trainsOnCpu, int? cores = null) =>
        data.DecodeThreads > 0 ? data.DecodeThreads
        : trainsOnCpu ? 1
        : Math.Max(1, (cores ?? Cores) / Math.Max(1, workers));

    /// <summary>
    /// A batch queue starting at <paramref name="firstStep"/> (same batches as a run that got there
    /// uninterrupted); each span worker decodes with <paramref name="decodeThreads"/> single-threaded ffmpeg processes.
    /// </summary>
    public BatchLoader Loader(DataConfig data, int batchSize, int seed, long firstStep, int decodeThreads = 1) =>
        Spans is not null
            ? new(Spans, batchSize, data.Hflip, data.CropScaleMin, seed, firstStep, Workers, decodeThreads)
            : new(Source, batchSize, data.Frames, data.Hflip, data.CropScaleMin, seed, firstStep, Streaming ? Workers : 1);

    /// <summary>
    /// Opens <c>data.train</c> (folder, glob, manifest or index). <paramref name="runDir"/> receives
    /// bad_videos.csv, and index.csv when streaming unless <c>data.index</c> names another file.
    /// </summary>
    public static async Task<TrainingData> OpenAsync(DataConfig data, string runDir, ILogger log, CancellationToken ct)
    {
        const string key = "data.train";
        var badCsv = Path.Combine(runDir, "bad_videos.csv");
        if (File.Exists(badCsv)) File.Delete(badCsv);
        var bad = new BadVideoLog(badCsv, log);
        var entries = Corpus.Resolve(data.Train, key, log);
        int workers = WorkersFor(data);

        // An index knows every duration, so it tells without decoding whether the corpus fits in memory.
        long budget = (long)data.CacheMb << 20;
        bool indexed = entries.All(e => VideoList.IndexedDuration(e) is not null);
        double frameBytes = (double)data.Size * data.Size * 3;
        bool fits = !indexed || entries.Sum(e => VideoList.IndexedDuration(e)!.Value * data.Fps * frameBytes) <= budget;
        if (fits && await Corpus.TryLoadAsync(entries, key, data, log, ct) is { } corpus)
        {
            foreach (var r in corpus.Rejected) bad.Add(r.Path, r.Reason);
            if (IndexFile.IsIndex(data.Train))
                foreach (var r in IndexRows(data.Train, entries).Where(r => !r.IsOk)) bad.Add(r.Path, r.Reason);
            log.Information("Decoded {Count} training videos ({Frames} frames at {Fps} fps, {Size} px) into memory; {Bad} set aside",
                corpus.Videos.Count, corpus.FrameCounts.Sum(), data.Fps, data.Size, bad.Count);
            return new TrainingData(new CorpusClipSource(corpus), workers, bad, streaming: false);
        }

        var rows = await IndexAsync(data, entries, indexed, runDir, workers, log, ct);
        foreach (var r in rows.Where(r => !r.IsOk)) bad.Add(r.Path, r.Reason);
        var ok = rows.Where(r => r.IsOk).Select(r => (r.Path, r.DurationS)).ToList();
        if (ok.Count == 0)
            throw new UsageException(
                $"{key}: none of the {rows.Count} videos is usable (see {badCsv}); check the files with jepa index or point {key} at other videos.");
        log.Information("Streaming {Count} training videos ({Seconds:F0} s of video, more than data.cache_mb = {CacheMb} MiB decoded) with {Workers} decode workers, {Clips} clips per decoded span; {Bad} set aside",
            ok.Count, ok.Sum(v => v.DurationS), data.CacheMb, workers, data.ClipsPerSpan, bad.Count);
        var spans = data.ClipsPerSpan > 1 ? new SpanClipSource(ok, data, bad, key) : null;
        return new TrainingData(new StreamingClipSource(ok, data, bad, key), workers, bad, streaming: true, spans);
    }

    // The rows of an index given as data.train that belong to the training split: the usable ones chosen
    // in entries, and the bad ones of that split (an index keeps the split column of what it indexed).
    private static List<IndexRow> IndexRows(string index, IReadOnlyList<VideoEntry> entries)
    {
        var chosen = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return IndexFile.Read(index)
            .Where(r => r.IsOk ? chosen.Contains(r.Path) : r.Split is null || string.Equals(r.Split, "train", StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    // The index of the training videos: data.train itself when it is one, otherwise built (or brought
    // up to date, reusing rows of unchanged files) at data.index or <run>/index.csv.
    private static async Task<IReadOnlyList<IndexRow>> IndexAsync(
        DataConfig data, IReadOnlyList<VideoEntry> entries, bool indexed, string runDir, int workers, ILogger log, CancellationToken ct)
    {
        if (indexed && IndexFile.IsIndex(data.Train))
            return IndexRows(data.Train, entries);
        var path = data.Index.Length > 0 ? data.Index : Path.Combine(runDir, "index.csv");
        var previous = File.Exists(path) && IndexFile.IsIndex(path) ? IndexFile.Read(path) : null;
        var options = new IndexOptions(data.Frames / data.Fps, data.Fps, data.ShortVideos == "pad", workers, TimeSpan.FromSeconds(data.DecodeTimeoutS));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = await VideoIndex.BuildAsync(entries, options, previous, null, ct);
        IndexFile.Write(path, rows);
        log.Information("Indexed {Count} videos in {Seconds:F1} s into {Index}", rows.Count, clock.Elapsed.TotalSeconds, path);
        return rows;
    }
}
