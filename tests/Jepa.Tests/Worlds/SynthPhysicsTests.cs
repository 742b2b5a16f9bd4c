using Jepa.Video;
using Jepa.Worlds;

namespace Jepa.Tests.Worlds;

public class SynthPhysicsTests
{
    private static readonly SynthOptions Small = new() { Seconds = 2, Fps = 8, Size = 32, Seed = 3, Groups = 2 };

    [Fact]
    public void Every_impossible_twin_is_identical_to_the_plausible_clip_until_its_event_and_differs_after()
    {
        for (int g = 0; g < 4; g++)
        {
            var start = SynthPhysicsSet.DescribeGroup(Small.Seed, g, Small);
            var plausible = start.Render();
            int frameBytes = Small.Size * Small.Size * 3;
            foreach (var e in SynthPhysicsSet.Violations)
            {
                var twin = SynthPhysicsSet.Variant(start, e, Small.Seed, g);
                var bytes = twin.Render();
                Assert.True(twin.EventFrame > 0 && twin.EventFrame < Small.FrameCount, $"{e}: event at frame {twin.EventFrame}");
                Assert.True(plausible.AsSpan(0, twin.EventFrame * frameBytes).SequenceEqual(bytes.AsSpan(0, twin.EventFrame * frameBytes)), $"{e} differs before its event");
                Assert.False(plausible.AsSpan(twin.EventFrame * frameBytes).SequenceEqual(bytes.AsSpan(twin.EventFrame * frameBytes)), $"{e} never differs");
            }
        }
    }

    [Fact]
    public void Voe_events_other_than_through_wall_happen_mid_flight_in_the_middle_third()
    {
        var options = Small with { Seconds = 2, Size = 64 };
        int lo = options.FrameCount / 3, hi = 2 * options.FrameCount / 3;
        for (int g = 0; g < 16; g++)
        {
            var start = SynthPhysicsSet.DescribeGroup(options.Seed, g, options);
            var contacts = start.Contacts();
            Assert.InRange(start.EventFrame, lo, hi);
            // No bounce from two frames before the event to the frame after it.
            Assert.False(contacts[start.EventFrame - 2] || contacts[start.EventFrame - 1] || contacts[start.EventFrame], $"group {g}: a bounce next to event frame {start.EventFrame}");
            // A slow or medium throw reaches the wall in the middle third; a fast one may be there sooner.
            if (start.Speed != "fast") Assert.InRange(start.FirstWallContact(), lo, hi);
            else Assert.InRange(start.FirstWallContact(), 1, hi);
        }
    }

    [Fact]
    public void Contacts_mark_the_frames_where_the_object_bounces()
    {
        // Dropped from rest above the floor: it falls, and the first contact is the floor bounce,
        // after which it moves up (y decreases) for the first time.
        var o = new SynthObject(SynthShape.Circle, "red", 230, 40, 40, 0.08, 0.2, 0.3, 0, 0);
        var scene = new PhysicsScene(64, 8, 24, 1, 0.7, o, "slow", "right", PhysicsEvent.None, 24, o);
        var path = scene.Trajectory();
        int bounce = Array.IndexOf(scene.Contacts(), true);
        Assert.True(bounce > 0, "a dropped object must hit the floor within 3 s");
        Assert.All(Enumerable.Range(1, bounce), f => Assert.True(path[f].Y > path[f - 1].Y, $"frame {f} still falling"));
        Assert.True(path[bounce + 1].Y < PhysicsScene.FloorY - o.Bottom + 1e-9);
        Assert.True(path[bounce + 2].Y < path[bounce + 1].Y, "after the bounce it rises");
    }

    [Fact]
    public void A_plausible_object_never_enters_the_wall_or_the_floor()
    {
        for (int i = 0; i < 30; i++)
        {
            var scene = SynthPhysicsSet.Describe(1, i, Small with { Seconds = 4 });
            foreach (var (x, y, _) in scene.Trajectory())
            {
                Assert.True(Math.Abs(x - scene.WallX) >= PhysicsScene.WallHalf + scene.Object.HalfWidth - 1e-9, $"scene {i} inside the wall");
                Assert.True(y + scene.Object.Bottom <= PhysicsScene.FloorY + 1e-9, $"scene {i} below the floor");
            }
        }
    }

    [Fact]
    public async Task Voe_writes_a_pairs_csv_with_one_plausible_clip_per_group_and_videos_ffmpeg_can_read()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "voe-synth");
        var pairs = SynthPhysicsSet.GenerateVoe(dir, Small);

        var lines = File.ReadAllLines(pairs);
        Assert.Equal("path,group,plausible,event", lines[0]);
        Assert.Equal(Small.Groups * (1 + SynthPhysicsSet.Violations.Count), lines.Length - 1);
        Assert.Equal(Small.Groups, lines.Skip(1).Count(l => l.EndsWith(",1,none", StringComparison.Ordinal)));
        Assert.Contains("voe/g0001_throughwall.mp4,1,0,throughwall", lines);
        var first = lines[1].Split(',')[0];
        var frames = await FrameDecoder.DecodeAsync(Path.Combine(dir, first), 0, null, Small.Fps, Small.Size);
        Assert.Equal(Small.FrameCount, frames.Count);
        // Decoded, not only rendered, the twins match the plausible clip until the event (lossless, no look-ahead).
        var eventFrame = SynthPhysicsSet.Variant(SynthPhysicsSet.DescribeGroup(Small.Seed, 0, Small), PhysicsEvent.Vanish, Small.Seed, 0).EventFrame;
        var vanish = await FrameDecoder.DecodeAsync(Path.Combine(dir, "voe/g0000_vanish.mp4"), 0, null, Small.Fps, Small.Size);
        int n = eventFrame * frames.FrameBytes;
        Assert.True(frames.Rgb.AsSpan(0, n).SequenceEqual(vanish.Rgb.AsSpan(0, n)));
        Assert.False(frames.Rgb.AsSpan(n).SequenceEqual(vanish.Rgb.AsSpan(n)));
    }
}
