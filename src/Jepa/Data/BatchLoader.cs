using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Jepa.Data;

/// <summary>
/// Assembles uint8 batches [B, T, S, S, 3] on a background task into a bounded queue, so the training
/// thread only waits when the decoders fall behind. The clips of one batch are filled by up to
/// <c>workers</c> tasks at once (each streaming clip is one ffmpeg process with one thread). Batch s
/// holds the clips <see cref="ClipSampler"/> picks for step s, so a run that resumes at step s gets
/// the same batches. Streaming sources come in two kinds: one ffmpeg run per clip (<see cref="IClipSource"/>),
/// or one per span of C clips (<see cref="SpanClipSource"/>, batches planned by <see cref="SpanPlanner"/>).
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly Channel<(byte[] Batch, ClipRef[] Clips)> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;
    private readonly StrongBox<long> decoded = new();

    /// <summary>Batches of clips copied from a corpus decoded into memory.</summary>
    public BatchLoader(Corpus corpus, int batchSize, int frames, bool flips, double cropScaleMin, int seed, long firstStep, int capacity = 4)
        : this(new CorpusClipSource(corpus), batchSize, frames, flips, cropScaleMin, seed, firstStep, workers: 1, capacity)
    {
    }

    /// <summary>Batches of clips from <paramref name="source"/>, filled by <paramref name="workers"/> tasks; <paramref name="capacity"/> batches wait in the queue.</summary>
    public BatchLoader(IClipSource source, int batchSize, int frames, bool flips, double cropScaleMin, int seed, long firstStep, int workers, int capacity = 4)
        : this(batchSize, frames, source.Size, Capacity(capacity, workers), (decoded, token) => PerClip(source, batchSize, frames, flips, cropScaleMin, seed, firstStep, workers, decoded, token))
    {
    }

    /// <summary>
    /// Batches cut from spans: <paramref name="workers"/> workers at a time decode groups of spans of C clips,
    /// each with <paramref name="decodeThreads"/> single-threaded ffmpeg processes (<see cref="SpanPipeline"/>),
    /// a round of blocks ahead of the batch being assembled.
    /// </summary>
    public BatchLoader(SpanClipSource source, int batchSize, bool flips, double cropScaleMin, int seed, long firstStep, int workers, int decodeThreads = 1, int capacity = 4)
        : this(batchSize, source.Frames, source.Size, Capacity(Math.Max(capacity, source.ClipsPerSpan), workers),
            (decoded, token) => new SpanPipeline(source, batchSize, flips, cropScaleMin, seed, workers, Threads(decodeThreads), decoded).BatchesAsync(firstStep, token))
    {
    }

    // Checked before the producer starts.
    private static int Threads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads, "decodeThreads");
        return threads;
    }

    // Checked before the producer starts: the queue's capacity, once workers is known to be positive.
    private static int Capacity(int capacity, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        return capacity;
    }

    private BatchLoader(int batchSize, int frames, int size, int capacity, Func<StrongBox<long>, CancellationToken, IAsyncEnumerable<(byte[] Batch, ClipRef[] Clips)>> batches)
    {
        BatchSize = batchSize;
        Frames = frames;
        Size = size;
        queue = Channel.CreateBounded<(byte[], ClipRef[])>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in batches(decoded, stop.Token).WithCancellation(stop.Token))
                    await queue.Writer.WriteAsync(item, stop.Token);
                queue.Writer.TryComplete();
            }
            catch (OperationCanceledException)
            {
                // Disposed: the run is over.
                queue.Writer.TryComplete();
            }
            catch (Exception e)
            {
                // No usable video left (or a bug): the training thread sees it at its next Next().
                queue.Writer.TryComplete(e);
            }
        });
    }

    // One clip per fill, up to `workers` fills of a batch at once; batch s holds ClipSampler's clips for step s.
    private static async IAsyncEnumerable<(byte[] Batch, ClipRef[] Clips)> PerClip(
        IClipSource source, int batchSize, int frames, bool flips, double cropScaleMin, int seed, long firstStep, int workers, StrongBox<long> decoded,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var counts = source.FrameCounts;
        int clipBytes = frames * source.Size * source.Size * 3;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct };
        for (long step = firstStep; !ct.IsCancellationRequested; step++)
        {
            var batch = new byte[batchSize * clipBytes];
            var clips = new ClipRef[batchSize];
            long s = step;
            await Parallel.ForEachAsync(Enumerable.Range(0, batchSize), parallel, async (slot, token) =>
            {
                var clip = ClipSampler.Sample(seed, s, slot, counts, frames, flips, cropScaleMin);
                clips[slot] = await source.FillAsync(clip, frames, batch.AsMemory(slot * clipBytes, clipBytes), token);
                Interlocked.Increment(ref decoded.Value);
            });
            yield return (batch, clips);
        }
    }

    /// <summary>Clips decoded so far, delivered or not (a benchmark divides the decoders' CPU time by it).</summary>
    public long ClipsDecoded => Interlocked.Read(ref decoded.Value);

    public int BatchSize { get; }
    public int Frames { get; }
    public int Size { get; }

    /// <summary>
    /// The next batch with the view of each clip (crop, flip), and the seconds the caller waited for it.
    /// Rethrows what stopped the producer (e.g. a <see cref="Config.UsageException"/> when no video is usable).
    /// </summary>
    public (byte[] Batch, ClipRef[] Clips, double WaitSeconds) Next(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!queue.Reader.TryRead(out var item))
        {
            try
            {
                item = queue.Reader.ReadAsync(ct).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
        return (item.Batch, item.Clips, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Copies <paramref name="frames"/> frames of one clip into slot <paramref name="slot"/> of a batch, as decoded (the view is applied on tensors).</summary>
    public static void CopyClip(Corpus corpus, ClipRef clip, int frames, byte[] batch, int slot)
    {
        var video = corpus.Videos[clip.Video].Frames;
        int frameBytes = video.FrameBytes;
        video.Rgb.AsSpan(clip.Start * frameBytes, frames * frameBytes).CopyTo(batch.AsSpan(slot * frames * frameBytes, frames * frameBytes));
    }

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            producer.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The producer only ends by cancellation; nothing to report.
        }
        stop.Dispose();
    }
}
