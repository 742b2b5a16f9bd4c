using System.Runtime.CompilerServices;

namespace Jepa.Data;

/// <summary>
/// Decode once, cut many: the batches of <see cref="SpanPlanner"/>'s blocks, in step order. Up to
/// <c>workers</c> ffmpeg runs decode the spans of the block being assembled and of the block after it
/// (so workers never idle at a block's end); the block's spans form the shuffle buffer, and each batch
/// takes one clip from every span, in the planned order. What a step gets is fixed by the plan before
/// any decoder runs, so worker count and timing never change it.
/// </summary>
internal sealed class SpanPipeline(SpanClipSource source, int batchSize, bool flips, double cropScaleMin, int seed, int workers, StrongBox<long> decoded)
{
    /// <summary>Batches from <paramref name="firstStep"/> on, forever (until cancelled or no video is usable).</summary>
    public async IAsyncEnumerable<(byte[] Batch, ClipRef[] Clips)> BatchesAsync(long firstStep, [EnumeratorCancellation] CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(workers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int c = source.ClipsPerSpan;
        long block = firstStep / c;
        var next = Start(block, gate, stop.Token);
        try
        {
            while (true)
            {
                var (plan, tasks) = next;
                next = Start(block + 1, gate, stop.Token); // look ahead one block
                var spans = (await Task.WhenAll(tasks)).SelectMany(g => g).ToArray();
                for (long step = Math.Max(firstStep, plan.FirstStep); step < plan.FirstStep + c; step++)
                    yield return Assemble(plan, spans, step);
                block++;
            }
        }
        finally
        {
            // Stops the look-ahead decoders when the consumer goes away or a block failed.
            await stop.CancelAsync();
        }
    }

    /// <summary>Most spans one ffmpeg process decodes: enough to spread its start-up cost (~0.1 CPU-s), few enough to keep every worker busy.</summary>
    internal const int MaxSpansPerProcess = 8;

    // The block's spans in groups, one ffmpeg run each, so that every worker gets at least one group.
    private (SpanBlock Plan, Task<DecodedSpan[]>[] Tasks) Start(long block, SemaphoreSlim gate, CancellationToken ct)
    {
        var plan = SpanPlanner.Plan(seed, block, source.FrameCounts, source.Frames, source.ClipsPerSpan, batchSize, flips, cropScaleMin);
        int group = Math.Clamp((plan.Spans.Count + workers - 1) / workers, 1, MaxSpansPerProcess);
        var tasks = plan.Spans.Chunk(group).Select(spans => Task.Run(async () =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var done = await source.DecodeAsync(spans, ct);
                Interlocked.Add(ref decoded.Value, (long)done.Length * source.ClipsPerSpan);
                return done;
            }
            finally
            {
                gate.Release();
            }
        }, ct)).ToArray();
        return (plan, tasks);
    }

    /// <summary>Copies the clips of <paramref name="step"/> out of the decoded spans into one batch [B, T, S, S, 3].</summary>
    private (byte[] Batch, ClipRef[] Clips) Assemble(SpanBlock plan, DecodedSpan[] spans, long step)
    {
        int frames = source.Frames, frameBytes = source.Size * source.Size * 3, clipBytes = frames * frameBytes;
        var batch = new byte[batchSize * clipBytes];
        var clips = new ClipRef[batchSize];
        for (int slot = 0; slot < batchSize; slot++)
        {
            var (i, clip, view) = plan.At(step, slot);
            var decoded = spans[i];
            var used = decoded.Span;
            int offset = SpanPlanner.ClipOffset(used.Length, frames, source.ClipsPerSpan, clip);
            // A span shorter than a clip (short_videos: pad) was padded to T frames when decoded.
            decoded.Rgb.Span.Slice(offset * frameBytes, clipBytes).CopyTo(batch.AsSpan(slot * clipBytes, clipBytes));
            clips[slot] = view with { Video = used.Video, Start = used.Start + offset };
        }
        return (batch, clips);
    }
}
