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
    private readonly Channel<(byte[] Batch, ClipRef[] Clips)> queue;
    private readonly CancellationTokenSource stop = new();
    private readonly Task producer;

    public BatchLoader(Corpus corpus, int batchSize, int frames, bool flips, double cropScaleMin, int seed, long firstStep, int capacity = 4)
    {
        BatchSize = batchSize;
        Frames = frames;
        Size = corpus.Videos[0].Frames.Size;
        queue = Channel.CreateBounded<(byte[], ClipRef[])>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        var counts = corpus.FrameCounts;
        producer = Task.Run(async () =>
        {
            try
            {
                for (long step = firstStep; !stop.IsCancellationRequested; step++)
                {
                    var batch = new byte[batchSize * frames * Size * Size * 3];
                    var clips = new ClipRef[batchSize];
                    for (int slot = 0; slot < batchSize; slot++)
                    {
                        clips[slot] = ClipSampler.Sample(seed, step, slot, counts, frames, flips, cropScaleMin);
                        CopyClip(corpus, clips[slot], frames, batch, slot);
                    }
                    await queue.Writer.WriteAsync((batch, clips), stop.Token);
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

    /// <summary>The next batch with the view of each clip (crop, flip), and the seconds the caller waited for it.</summary>
    public (byte[] Batch, ClipRef[] Clips, double WaitSeconds) Next(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!queue.Reader.TryRead(out var item))
            item = queue.Reader.ReadAsync(ct).AsTask().GetAwaiter().GetResult();
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
