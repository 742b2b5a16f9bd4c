using Jepa.Config;
using Jepa.Video;
using Serilog;

namespace Jepa.Data;

/// <summary>A usable video and all its frames, decoded once at the training fps and size.</summary>
public sealed record DecodedVideo(VideoEntry Entry, DecodedFrames Frames);

/// <summary>A video that could not be used, and why (one line).</summary>
public sealed record RejectedVideo(string Path, string Reason);

/// <summary>
/// The videos of one split, decoded whole, in parallel, and kept in memory: one ffmpeg process and one
/// seek per video instead of one per clip. Bad videos are set aside with their reason, never fatal.
/// </summary>
public sealed class Corpus
{
    private Corpus(IReadOnlyList<DecodedVideo> videos, IReadOnlyList<RejectedVideo> rejected)
    {
        Videos = videos;
        Rejected = rejected;
    }

    public IReadOnlyList<DecodedVideo> Videos { get; }
    public IReadOnlyList<RejectedVideo> Rejected { get; }

    /// <summary>Decoded frame count of each usable video, in the order of <see cref="Videos"/>.</summary>
    public IReadOnlyList<int> FrameCounts => Videos.Select(v => v.Frames.Count).ToArray();

    /// <summary>Decodes every video of <paramref name="spec"/> (folder, glob or manifest).</summary>
    /// <param name="key">the config key the spec came from, for messages (e.g. data.train)</param>
    /// <param name="progress">told of every decoded video (stage <c>decode</c>); null for none</param>
    public static async Task<Corpus> LoadAsync(string spec, string key, DataConfig data, ILogger log, CancellationToken ct,
        IProgress<WorkProgress>? progress = null)
    {
        var entries = Resolve(spec, key, log);
        var corpus = await TryLoadAsync(entries, key, data, log, ct, progress)
            ?? throw new UsageException($"{key}: the decoded videos need more than data.cache_mb = {data.CacheMb} MiB of memory; raise data.cache_mb or use fewer or shorter videos.");
        foreach (var r in corpus.Rejected) log.Warning("Skipping {Path}: {Reason}", r.Path, r.Reason);
        return corpus;
    }

    /// <summary>
    /// Resolves a video list, naming the config key in its error. A list with splits gives its train
    /// videos for data.train and its val videos otherwise (data.val, --data); --data, which the user
    /// chose for this one command, is used whole when it has no val videos. What was kept is logged.
    /// </summary>
    public static IReadOnlyList<VideoEntry> Resolve(string spec, string key, ILogger? log = null) => Named(key, () =>
    {
        var selection = VideoSplits.Select(spec, key == "data.train" ? "train" : "val", required: key != "--data");
        if (selection.Note is not null) log?.Information("{Key}: {Note}", key, selection.Note);
        return selection.Videos;
    });

    /// <summary>Every video of a list, splits or not (probe data splits its clips itself), naming <paramref name="key"/> in its error.</summary>
    public static IReadOnlyList<VideoEntry> ResolveWhole(string spec, string key) => Named(key, () => VideoList.Resolve(spec));

    private static IReadOnlyList<VideoEntry> Named(string key, Func<IReadOnlyList<VideoEntry>> resolve)
    {
        try
        {
            return resolve();
        }
        catch (UsageException e)
        {
            throw new UsageException($"{key}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Decodes <paramref name="entries"/> whole, or returns null as soon as they need more than
    /// <c>data.cache_mb</c> (the caller streams them instead). Throws <see cref="UsageException"/>
    /// when no video is usable.
    /// </summary>
    public static async Task<Corpus?> TryLoadAsync(IReadOnlyList<VideoEntry> entries, string key, DataConfig data, ILogger log, CancellationToken ct,
        IProgress<WorkProgress>? progress = null)
    {
        if (data.CacheMb == 0)
            return null;
        int workers = data.Workers > 0 ? data.Workers : Math.Max(1, Environment.ProcessorCount);
        // data.decode_timeout_s bounds each ffmpeg run; raise it for long videos decoded whole.
        var timeout = TimeSpan.FromSeconds(data.DecodeTimeoutS);
        using var full = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var decoded = new DecodedVideo?[entries.Count];
        var rejected = new RejectedVideo?[entries.Count];
        long bytes = 0;
        long budget = (long)data.CacheMb << 20;
        var counter = new StageCounter(progress, "decode", entries.Count, "videos");
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = full.Token },
                async (i, token) =>
                {
                    var entry = entries[i];
                    try
                    {
                        var frames = await FrameDecoder.DecodeAsync(entry.Path, 0, null, data.Fps, data.Size, token, timeout);
                        if (frames.Count == 0)
                            throw new VideoException(entry.Path, "cannot decode: no frame decodes");
                        if (frames.Count < data.Frames && data.ShortVideos == "skip")
                        {
                            rejected[i] = new RejectedVideo(entry.Path, VideoIndex.TooShortReason(frames.Count / data.Fps, data.Frames / data.Fps));
                            return;
                        }
                        if (frames.Count < data.Frames)
                            frames = Padded(frames, data.Frames);
                        if (Interlocked.Add(ref bytes, frames.Rgb.Length) > budget)
                        {
                            full.Cancel();
                            return;
                        }
                        decoded[i] = new DecodedVideo(entry, frames);
                    }
                    catch (VideoException e)
                    {
                        rejected[i] = new RejectedVideo(entry.Path, e.Reason);
                    }
                    counter.Add();
                });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        if (Interlocked.Read(ref bytes) > budget)
            return null;

        var corpus = new Corpus(decoded.OfType<DecodedVideo>().ToArray(), rejected.OfType<RejectedVideo>().ToArray());
        if (corpus.Videos.Count == 0)
        {
            var first = corpus.Rejected.Count > 0 ? $" (first: {corpus.Rejected[0].Path}: {corpus.Rejected[0].Reason})" : "";
            throw new UsageException($"{key}: none of the {entries.Count} videos is usable{first}; check the files with jepa index or point {key} at other videos.");
        }
        return corpus;
    }

    // A video shorter than a clip, with its last frame repeated up to one clip (data.short_videos: pad).
    private static DecodedFrames Padded(DecodedFrames frames, int count)
    {
        var rgb = new byte[count * frames.FrameBytes];
        StreamingClipSource.CopyPadded(frames, count, rgb);
        return new DecodedFrames(count, frames.Size, rgb);
    }
}
