using Jepa.Config;
using Jepa.Data;
using Jepa.Tests.TestSupport;
using Jepa.Video;
using Serilog.Core;

namespace Jepa.Tests.Data;

/// <summary>Decode once, cut many: the span plan, the span decoder against the per-clip one, and the loader, with real ffmpeg.</summary>
public class SpanLoaderTests
{
    // Clips of 8 frames at 4 fps, 32 px, 2 clips per span (a span is 4 s of video).
    private static readonly DataConfig Data = new() { Frames = 8, Fps = 4, Size = 32, CropScaleMin = 0.5, ClipsPerSpan = 2 };
    private const int FrameBytes = 32 * 32 * 3, ClipBytes = 8 * FrameBytes;

    // Four 6-s videos of different patterns, 30 fps, long GOP with B-frames (the fps grid falls between source frames).
    private static readonly Lazy<IReadOnlyList<string>> s_videos = new(() => Enumerable.Range(0, 4).Select(i => TestVideos.Make($"span-{i}.mp4",
        "-f", "lavfi", "-i", $"testsrc2=s=64x48:r=30:d=6,hue=h={i * 90}", "-c:v", "libx264", "-g", "250", "-bf", "3", "-pix_fmt", "yuv420p")).ToList());

    // Every video is taken to last 6 s (24 frames on the grid): broken ones fail when decoded, as in a stale index.
    private static SpanClipSource Source(IEnumerable<string> paths, BadVideoLog bad) =>
        new(paths.Select(p => (p, 6.0)).ToList(), Data, bad, "data.train");

    [Fact]
    public void The_plan_is_a_pure_function_of_seed_and_step_and_keeps_clips_inside_their_video()
    {
        int[] counts = [24, 24, 10, 40, 5, 24, 24, 24];
        for (long block = 0; block < 20; block++)
        {
            var a = SpanPlanner.Plan(7, block, counts, 8, 3, 4, true, 0.5);
            var b = SpanPlanner.Plan(7, block, counts, 8, 3, 4, true, 0.5);
            Assert.Equal(a.Spans, b.Spans);
            for (long step = a.FirstStep; step < a.FirstStep + 3; step++)
                for (int slot = 0; slot < 4; slot++)
                {
                    Assert.Equal(a.At(step, slot), b.At(step, slot));
                    var view = a.At(step, slot).View;
                    Assert.InRange(view.Start, 0, Math.Max(0, counts[view.Video] - 8));
                }
        }
        Assert.NotEqual(SpanPlanner.Plan(7, 0, counts, 8, 3, 4, true, 0.5).Spans, SpanPlanner.Plan(8, 0, counts, 8, 3, 4, true, 0.5).Spans);
    }

    [Fact]
    public void Each_span_gives_every_step_of_its_block_one_distinct_clip_and_a_batch_mixes_videos()
    {
        int[] counts = Enumerable.Repeat(40, 8).ToArray();
        double videosPerBatch = 0;
        for (long block = 0; block < 25; block++)
        {
            var plan = SpanPlanner.Plan(1, block, counts, 8, 4, 4, false, 1);
            var cut = new HashSet<(int, int)>();
            for (long step = plan.FirstStep; step < plan.FirstStep + 4; step++)
            {
                var slots = Enumerable.Range(0, 4).Select(s => plan.At(step, s)).ToList();
                Assert.Equal(4, slots.Select(s => s.Span).Distinct().Count()); // one clip of each span per batch
                foreach (var s in slots) Assert.True(cut.Add((s.Span, s.Clip)), "a clip was dealt twice");
                int videos = slots.Select(s => s.View.Video).Distinct().Count();
                Assert.True(videos >= 2, $"step {step}: every clip from one video");
                videosPerBatch += videos;
            }
            Assert.Equal(16, cut.Count);
        }
        Assert.True(videosPerBatch / 100 >= 3, $"{videosPerBatch / 100:F2} videos per batch of 4 from 8 videos");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_clip_cut_from_a_span_is_pixel_equal_to_the_same_clip_decoded_alone(bool severalSpansPerProcess)
    {
        var source = Source(s_videos.Value, new BadVideoLog(null, Logger.None));
        SpanRef[] spans = [new(0, 3, 16), new(2, 7, 16), new(1, 0, 16)];
        var decoded = severalSpansPerProcess
            ? await source.DecodeAsync(spans, CancellationToken.None)
            : [await source.DecodeAsync(spans[0], CancellationToken.None), await source.DecodeAsync(spans[1], CancellationToken.None), await source.DecodeAsync(spans[2], CancellationToken.None)];

        for (int i = 0; i < spans.Length; i++)
        {
            Assert.Equal(spans[i], decoded[i].Span);
            for (int clip = 0; clip < 2; clip++)
            {
                int start = spans[i].Start + SpanPlanner.ClipOffset(16, 8, 2, clip);
                var alone = await FrameDecoder.DecodeAsync(s_videos.Value[spans[i].Video], start / Data.Fps, 8, Data.Fps, Data.Size);
                Assert.Equal(8, alone.Count);
                Assert.True(decoded[i].Rgb.Span.Slice(clip * 8 * FrameBytes, ClipBytes).SequenceEqual(alone.Rgb), $"span {i} clip {clip} differs");
            }
        }
    }

    private static List<(byte[] Batch, ClipRef[] Clips)> Batches(SpanClipSource source, int workers, long firstStep, int count, int batchSize = 4, int decodeThreads = 1)
    {
        using var loader = new BatchLoader(source, batchSize, true, 0.5, seed: 3, firstStep, workers, decodeThreads);
        return Enumerable.Range(0, count).Select(_ => { var (x, c, _) = loader.Next(CancellationToken.None); return (x, c); }).ToList();
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_with_one_or_two_workers_and_when_resumed_mid_block()
    {
        var source = Source(s_videos.Value, new BadVideoLog(null, Logger.None));
        var one = Batches(source, 1, 0, 4);
        var two = Batches(source, 2, 0, 4);
        var resumed = Batches(source, 2, 3, 1); // step 3: the second step of block 1

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(one[i].Clips, two[i].Clips);
            Assert.True(one[i].Batch.AsSpan().SequenceEqual(two[i].Batch), $"batch {i} differs");
        }
        Assert.Equal(one[3].Clips, resumed[0].Clips);
        Assert.True(one[3].Batch.AsSpan().SequenceEqual(resumed[0].Batch));
        // The batch is one clip from each of 4 spans, shuffled: more than one video, and the clips are what they say.
        Assert.All(one, b => Assert.True(b.Clips.Select(c => c.Video).Distinct().Count() >= 2));
    }

    [Fact]
    public void Small_batches_are_decoded_in_rounds_of_blocks_so_each_process_gets_more_spans_and_big_ones_are_not()
    {
        Assert.Equal(4, SpanPipeline.BlocksPerRound(batchSize: 8, workers: 2)); // 32 spans, 16 per process
        Assert.Equal(2, SpanPipeline.BlocksPerRound(batchSize: 8, workers: 1));
        Assert.Equal(1, SpanPipeline.BlocksPerRound(batchSize: 32, workers: 2));
        Assert.Equal(1, SpanPipeline.BlocksPerRound(batchSize: 64, workers: 8)); // one block is the least
        Assert.Equal(8, SpanPipeline.BlocksPerRound(batchSize: 4, workers: 8)); // at most 32 spans ahead
    }

    [Fact]
    public void Batches_are_the_same_across_rounds_with_one_or_two_workers_and_when_resumed_mid_round()
    {
        // Batch 4, 2 clips per span: rounds of 4 blocks (1 worker) and 8 blocks (2 workers); 20 steps cross both.
        var source = Source(s_videos.Value, new BadVideoLog(null, Logger.None));
        var one = Batches(source, 1, 0, 20);
        var two = Batches(source, 2, 0, 20);
        var resumed = Batches(source, 2, 13, 7); // step 13: second step of block 6, inside a round either way

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(one[i].Clips, two[i].Clips);
            Assert.True(one[i].Batch.AsSpan().SequenceEqual(two[i].Batch), $"batch {i} differs");
        }
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(one[13 + i].Clips, resumed[i].Clips);
            Assert.True(one[13 + i].Batch.AsSpan().SequenceEqual(resumed[i].Batch), $"resumed batch {13 + i} differs");
        }
    }

    [Fact]
    public async Task Spans_decoded_with_two_or_three_ffmpeg_threads_are_byte_identical_to_one_thread_and_so_are_the_batches()
    {
        // data.decode_threads reaches ffmpeg's decoders and filter graph...
        var args = FrameDecoder.ManyArguments([(s_videos.Value[0], 1.0, 8), (s_videos.Value[1], 0, 8)], Data.Fps, Data.Size, threads: 3);
        Assert.Equal(2, args.Select((a, i) => (a, i)).Count(p => p.a == "-threads" && args[p.i + 1] == "3"));
        Assert.Equal("3", args[args.IndexOf("-filter_complex_threads") + 1]);
        var single = FrameDecoder.Arguments(s_videos.Value[0], 1.0, 8, Data.Fps, Data.Size, threads: 2);
        Assert.Equal(["-threads", "2"], single.Skip(single.IndexOf("-threads")).Take(2));
        Assert.Equal("2", single[single.IndexOf("-filter_threads") + 1]);

        // ...and changes no pixel: H.264 frame threading outputs the frames a single thread does.
        var source = Source(s_videos.Value, new BadVideoLog(null, Logger.None));
        SpanRef[] spans = [new(0, 3, 16), new(2, 7, 16), new(1, 0, 16), new(3, 8, 16)];
        var one = await source.DecodeAsync(spans, CancellationToken.None, threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            var together = await source.DecodeAsync(spans, CancellationToken.None, threads);
            var alone = await source.DecodeAsync(spans[1], CancellationToken.None, threads);
            for (int i = 0; i < spans.Length; i++)
                Assert.True(one[i].Rgb.Span.SequenceEqual(together[i].Rgb.Span), $"span {i} differs with {threads} threads");
            Assert.True(one[1].Rgb.Span.SequenceEqual(alone.Rgb.Span), $"the span decoded alone differs with {threads} threads");
        }
        var batches = Batches(source, 1, 0, 6);
        var threaded = Batches(source, 1, 0, 6, decodeThreads: 2);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(batches[i].Clips, threaded[i].Clips);
            Assert.True(batches[i].Batch.AsSpan().SequenceEqual(threaded[i].Batch), $"batch {i} differs with 2 decode threads");
        }
    }

    [Fact]
    public async Task The_clips_of_a_batch_are_the_frames_their_refs_name()
    {
        var source = Source(s_videos.Value, new BadVideoLog(null, Logger.None));
        var (batch, clips) = Batches(source, 2, 0, 1)[0];
        for (int slot = 0; slot < clips.Length; slot++)
        {
            var alone = await FrameDecoder.DecodeAsync(s_videos.Value[clips[slot].Video], clips[slot].Start / Data.Fps, 8, Data.Fps, Data.Size);
            Assert.True(batch.AsSpan(slot * ClipBytes, ClipBytes).SequenceEqual(alone.Rgb), $"slot {slot}");
        }
    }

    [Fact]
    public async Task A_bad_video_is_skipped_listed_once_and_its_span_taken_from_the_next_video_in_a_group_too()
    {
        var csv = Path.Combine(TestVideos.NewFolder("span-bad"), "bad_videos.csv");
        var bad = new BadVideoLog(csv, Logger.None);
        var source = Source([TestVideos.Garbage, s_videos.Value[0]], bad);

        // A group with the bad video's span fails as a whole, then each span is decoded on its own.
        var group = await source.DecodeAsync([new SpanRef(0, 5, 16), new SpanRef(1, 2, 16)], CancellationToken.None);
        var again = await source.DecodeAsync(new SpanRef(0, 5, 16), CancellationToken.None);

        Assert.Equal(new SpanRef(1, 5, 16), group[0].Span); // same start when it fits the replacement
        Assert.Equal(new SpanRef(1, 2, 16), group[1].Span);
        Assert.Equal(group[0].Span, again.Span);
        Assert.True(group[0].Rgb.Span.SequenceEqual(again.Rgb.Span));
        var rejected = Assert.Single(bad.All);
        Assert.Equal(TestVideos.Garbage, rejected.Path);
        Assert.StartsWith("cannot decode: ", rejected.Reason);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public async Task With_two_decode_threads_both_processes_meet_the_bad_video_and_it_is_still_listed_once_and_replaced_alike()
    {
        var csv = Path.Combine(TestVideos.NewFolder("span-bad-threads"), "bad_videos.csv");
        var bad = new BadVideoLog(csv, Logger.None);
        var source = Source([TestVideos.Garbage, s_videos.Value[0], s_videos.Value[1]], bad);
        SpanRef[] spans = [new(0, 5, 16), new(1, 2, 16), new(0, 9, 16), new(2, 0, 16)];

        // Two single-threaded processes, spans 0–1 and 2–3, each with a span of the bad video, at once.
        var threaded = await source.DecodeAsync(spans, CancellationToken.None, threads: 2);
        var alone = new List<DecodedSpan>();
        foreach (var span in spans)
            alone.Add(await source.DecodeAsync(span, CancellationToken.None));

        Assert.Equal(alone.Select(a => a.Span), threaded.Select(t => t.Span));
        for (int i = 0; i < spans.Length; i++)
            Assert.True(alone[i].Rgb.Span.SequenceEqual(threaded[i].Rgb.Span), $"span {i} differs");
        Assert.Equal(TestVideos.Garbage, Assert.Single(bad.All).Path);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void When_every_video_fails_the_span_loader_stops_with_one_sentence_naming_the_key()
    {
        var source = Source([TestVideos.Garbage, TestVideos.Empty], new BadVideoLog(null, Logger.None));
        using var loader = new BatchLoader(source, 2, false, 1, seed: 0, firstStep: 0, workers: 2);

        var e = Assert.Throws<UsageException>(() => loader.Next(CancellationToken.None));

        Assert.StartsWith("data.train: every one of the 2 videos failed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("pad", true)]
    [InlineData("skip", false)]
    public async Task A_video_shorter_than_a_clip_is_padded_or_skipped_as_configured(string mode, bool padded)
    {
        var bad = new BadVideoLog(null, Logger.None);
        // 0.4 s at 4 fps is 1 frame on the grid; the span is one clip long.
        var data = Data with { ShortVideos = mode };
        var source = new SpanClipSource([(OddVideos.Short, 0.4), (s_videos.Value[0], 6.0)], data, bad, "data.train");
        var span = SpanPlanner.Place(source.FrameCounts[0], 0, 0, 8, 2);

        var decoded = await source.DecodeAsync(span, CancellationToken.None);

        Assert.Equal(padded ? 0 : 1, decoded.Span.Video);
        Assert.Equal(padded ? 0 : 1, bad.Count);
        Assert.Equal(decoded.Span.Length * FrameBytes, decoded.Rgb.Length);
        if (padded)
            Assert.True(decoded.Rgb.Span.Slice(7 * FrameBytes, FrameBytes).SequenceEqual(decoded.Rgb.Span.Slice(3 * FrameBytes, FrameBytes))); // both repeat the last frame
    }
}
