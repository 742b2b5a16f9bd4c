using System.Runtime.CompilerServices;

namespace Jepa.Data;

/// <summary>
/// Decode once, cut many: the batches of <see cref="SpanPlanner"/>'s blocks, in step order. Up to
/// <c>workers</c> ffmpeg runs decode the spans of the round of blocks being assembled and of the round
/// after it (so workers never idle at a round's end); the block's spans form the shuffle buffer, and each batch
/// takes one clip from every span, in the planned order. What a step gets is fixed by the plan before
/// any decoder runs, so worker count and timing never change it; nor does <paramref name="threads"/>, each
/// worker's decode threads (data.decode_threads: that many ffmpeg processes share its group of spans),
/// which changes only how fast the same frames come.
/// </summary>
internal sealed class SpanPipeline(SpanClipSource source, int batchSize, bool flips, double cropScaleMin, int seed, int workers, int threads, StrongBox<long> decoded)
{
    /// <summary>Batches from <paramref name="firstStep"/> on, forever (until cancelled or no video is usable).</summary>
    public async IAsyncEnumerable<(byte[] Batch, ClipRef[] Clips)> BatchesAsync(long firstStep, [EnumeratorCancellation] CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(workers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int c = source.ClipsPerSpan, k = BlocksPerRound(batchSize, workers, threads);
        long block = firstStep / c;
        var next = Start(block, k, gate, stop.Token);
        try
        {
            while (true)
            {
                var round = next;
                next = Start(block + k, k, gate, stop.Token); // look ahead one round
                for (int b = 0; b < k; b++)
                {
                    var plan = round.Plans[b];
                    var spans = await round.SpansOf(b, batchSize);
                    for (long step = Math.Max(firstStep, plan.FirstStep); step < plan.FirstStep + c; step++)
                        yield return Assemble(plan, spans, step);
                }
                block += k;
            }
        }
        finally
        {
            // Stops the look-ahead decoders when the consumer goes away or a block failed.
            await stop.CancelAsync();
        }
    }

    /// <summary>
    /// Spans one ffmpeg process aims to decode: its start alone costs ~0.13 CPU-s (Debian's ffmpeg loads
    /// 216 shared libraries: 0.10–0.13 CPU-s for <c>ffmpeg -version</c>, measured), as much as decoding
    /// ~90 frames of a prepared 256-px corpus, so more spans per process is less CPU per clip.
    /// </summary>
    internal const int SpansPerProcess = 16;

    /// <summary>Most spans decoded ahead (one round): the two blocks of batch 32 that were in memory before rounds existed.</summary>
    internal const int MaxSpansPerRound = 32;

    /// <summary>
    /// Blocks decoded together (a round), so that every ffmpeg process (<paramref name="threads"/> per worker,
    /// one thread each) gets <see cref="SpansPerProcess"/> spans when the batch alone is too small for that
    /// (batch 8, 2 workers: 4 blocks of 8 spans, 16 per process), at most <see cref="MaxSpansPerRound"/> spans
    /// unless one block has more. Which spans a round holds changes only when they are decoded, never what a step gets.
    /// </summary>
    internal static int BlocksPerRound(int batchSize, int workers, int threads = 1) =>
        Math.Max(1, Math.Min((workers * threads * SpansPerProcess + batchSize - 1) / batchSize, MaxSpansPerRound / batchSize));

    /// <summary>The plans of a round's blocks and the decodes of their spans: groups of consecutive spans, one ffmpeg run each.</summary>
    private sealed record Round(SpanBlock[] Plans, int Group, Task<DecodedSpan[]>[] Tasks)
    {
        /// <summary>The decoded spans of block <paramref name="b"/> of the round, waiting only for the groups that hold them.</summary>
        public async Task<DecodedSpan[]> SpansOf(int b, int batchSize)
        {
            var spans = new DecodedSpan[batchSize];
            for (int i = 0; i < batchSize; i++)
            {
                int at = b * batchSize + i;
                spans[i] = (await Tasks[at / Group])[at % Group];
            }
            return spans;
        }
    }

    // The round's spans in groups, one per worker at a time (decoded by its threads' ffmpeg processes), so that every worker gets at least one group.
    private Round Start(long block, int blocks, SemaphoreSlim gate, CancellationToken ct)
    {
        var plans = Enumerable.Range(0, blocks)
            .Select(b => SpanPlanner.Plan(seed, block + b, source.FrameCounts, source.Frames, source.ClipsPerSpan, batchSize, flips, cropScaleMin))
            .ToArray();
        var all = plans.SelectMany(p => p.Spans).ToArray();
        int group = Math.Clamp((all.Length + workers - 1) / workers, 1, SpansPerProcess * threads);
        var tasks = all.Chunk(group).Select(spans =>
        {
            // Groups take a worker in plan order (each waits until the one before has its worker): left to
            // the thread pool, the look-ahead round's groups could take the workers ahead of a group the
            // batch being assembled waits for.
            var before = turn;
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            turn = mine.Task;
            return Task.Run(async () =>
            {
                try
                {
                    await before.WaitAsync(ct);
                    await gate.WaitAsync(ct);
                }
                finally
                {
                    mine.TrySetResult(); // cancelled: the next group sees the cancellation itself
                }
                try
                {
                    var done = await source.DecodeAsync(spans, ct, threads);
                    Interlocked.Add(ref decoded.Value, (long)done.Length * source.ClipsPerSpan);
                    return done;
                }
                finally
                {
                    gate.Release();
                }
            }, ct);
        }).ToArray();
        return new Round(plans, group, tasks);
    }

    // The last group to have asked for a worker; only the consumer's thread starts rounds, one at a time.
    private Task turn = Task.CompletedTask;

    /// <summary>Copies the clips of <paramref name="step"/> out of the decoded spans into one batch [B, T, S, S, 3].</summary>
    private (byte[] Batch, ClipRef[] Clips) Assemble(SpanBlock plan, DecodedSpan[] spans, long step)
    {
        int frames = source.Frames, frameBytes = source.Size * source.Size * 3, clipBytes = frames * frameBytes;
        var batch = GC.AllocateUninitializedArray<byte>(batchSize * clipBytes); // every byte is copied below
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
