using System.Diagnostics;
using System.Threading.Channels;

namespace Jepa.Data;

/// <summary>
/// Assembles uint8 batches [B, T, S, S, 3] on a background task into a bounded queue, so the training
/// thread only waits when the producer falls behind. Batch s holds the clips <see cref="ClipSampler"/>
/// picks for step s, so a run that resumes at step s gets the same batches.
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly Channel<byte[]> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;

    public BatchLoader(Corpus corpus, int batchSize, int frames, bool flips, int seed, long firstStep, int capacity = 4)
    {
        BatchSize = batchSize;
        Frames = frames;
        Size = corpus.Videos[0].Frames.Size;
        queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        var counts = corpus.FrameCounts;
        producer = Task.Run(async () =>
        {
            try
            {
                for (long step = firstStep; !stop.IsCancellationRequested; step++)
                {
                    var batch = new byte[batchSize * frames * Size * Size * 3];
                    for (int slot = 0; slot < batchSize; slot++)
                        CopyClip(corpus, ClipSampler.Sample(seed, step, slot, counts, frames, flips), frames, batch, slot);
                    await queue.Writer.WriteAsync(batch, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed: the run is over.
            }
            finally
            {
                queue.Writer.TryComplete();
            }
        });
    }

    public int BatchSize { get; }
    public int Frames { get; }
    public int Size { get; }

    /// <summary>The next batch, and the seconds the caller waited for it.</summary>
    public (byte[] Batch, double WaitSeconds) Next(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!queue.Reader.TryRead(out var batch))
            batch = queue.Reader.ReadAsync(ct).AsTask().GetAwaiter().GetResult();
        return (batch, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Copies <paramref name="frames"/> frames of one clip into slot <paramref name="slot"/> of a batch, mirrored if asked.</summary>
    public static void CopyClip(Corpus corpus, ClipRef clip, int frames, byte[] batch, int slot)
    {
        var video = corpus.Videos[clip.Video].Frames;
        int frameBytes = video.FrameBytes;
        var source = video.Rgb.AsSpan(clip.Start * frameBytes, frames * frameBytes);
        var target = batch.AsSpan(slot * frames * frameBytes, frames * frameBytes);
        if (!clip.Flip)
        {
            source.CopyTo(target);
            return;
        }
        int size = video.Size;
        for (int row = 0; row < frames * size; row++)
        {
            var src = source.Slice(row * size * 3, size * 3);
            var dst = target.Slice(row * size * 3, size * 3);
            for (int x = 0; x < size; x++)
                src.Slice(x * 3, 3).CopyTo(dst.Slice((size - 1 - x) * 3, 3));
        }
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
