using Jepa.Tests.TestSupport;
using Jepa.Video;
using Jepa.Worlds;

namespace Jepa.Tests.Worlds;

public class SynthBouncingTests
{
    private static readonly SynthOptions Small = new() { Seconds = 1, Fps = 8, Size = 32 };

    [Fact]
    public void The_same_seed_renders_byte_identical_frames()
    {
        for (int index = 0; index < 4; index++)
        {
            var a = SynthBouncing.RenderFrames(SynthBouncing.Describe(3, index, Small));
            var b = SynthBouncing.RenderFrames(SynthBouncing.Describe(3, index, Small));

            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Different_seeds_and_indices_render_different_videos()
    {
        var first = SynthBouncing.RenderFrames(SynthBouncing.Describe(0, 0, Small));

        Assert.NotEqual(first, SynthBouncing.RenderFrames(SynthBouncing.Describe(1, 0, Small)));
        Assert.NotEqual(first, SynthBouncing.RenderFrames(SynthBouncing.Describe(0, 1, Small)));
    }

    [Fact]
    public void Rendered_frames_have_the_declared_shape_and_objects_move()
    {
        var spec = SynthBouncing.Describe(0, 2, Small);

        var frames = SynthBouncing.RenderFrames(spec);

        int frameBytes = 32 * 32 * 3;
        Assert.Equal(8 * frameBytes, frames.Length);
        Assert.False(frames.AsSpan(0, frameBytes).SequenceEqual(frames.AsSpan(7 * frameBytes, frameBytes)));
    }

    [Fact]
    public void The_first_object_starts_moving_in_the_labelled_direction()
    {
        var o = new SynthOptions { TrainCount = 24, ValCount = 0 };
        for (int index = 0; index < 24; index++)
        {
            var spec = SynthBouncing.Describe(0, index, o);
            var first = spec.Objects[0];
            var (dx, dy) = spec.Direction switch
            {
                "n" => (0, -1), "ne" => (1, -1), "e" => (1, 0), "se" => (1, 1),
                "s" => (0, 1), "sw" => (-1, 1), "w" => (-1, 0), _ => (-1, -1),
            };
            Assert.Equal(dx, Math.Sign(Math.Round(first.Vx, 9)));
            Assert.Equal(dy, Math.Sign(Math.Round(first.Vy, 9)));
            Assert.All(spec.Objects, obj => Assert.Equal(spec.SpeedValue, Math.Sqrt(obj.Vx * obj.Vx + obj.Vy * obj.Vy), 9));
        }
    }

    [Fact]
    public void Speed_classes_and_directions_are_balanced_and_speeds_are_fixed_per_second()
    {
        var o = new SynthOptions { TrainCount = 48, ValCount = 0 };
        var specs = Enumerable.Range(0, 48).Select(i => SynthBouncing.Describe(0, i, o)).ToList();

        Assert.All(specs.GroupBy(s => s.Speed), g => Assert.Equal(16, g.Count()));
        Assert.All(specs.GroupBy(s => s.Direction), g => Assert.Equal(6, g.Count()));
        // The same video at another frame rate moves at the same speed in frame sides per second.
        var at30 = SynthBouncing.Describe(0, 5, o with { Fps = 30 });
        Assert.Equal(specs[5].SpeedValue, at30.SpeedValue);
    }

    [Fact]
    public void Objects_stay_inside_the_frame_with_and_without_gravity()
    {
        foreach (bool gravity in new[] { false, true })
        {
            var o = new SynthOptions { Seconds = 6, Fps = 8, Size = 32, Gravity = gravity, MaxObjects = 3 };
            for (int index = 0; index < 6; index++)
            {
                var spec = SynthBouncing.Describe(1, index, o);
                var positions = SynthRenderer.Trajectory(spec);
                Assert.All(positions, frame => Assert.All(spec.Objects.Zip(frame), p =>
                {
                    Assert.InRange(p.Second.X, p.First.HalfWidth - 1e-9, 1 - p.First.HalfWidth + 1e-9);
                    Assert.InRange(p.Second.Y, p.First.Top - 1e-9, 1 - p.First.Bottom + 1e-9);
                }));
            }
        }
    }

    [Fact]
    public void Generating_writes_train_and_val_videos_and_a_manifest()
    {
        var dir = TestVideos.BouncingDir;
        var lines = File.ReadAllLines(Path.Combine(dir, "manifest.csv"));

        Assert.Equal("path,label,split,shape,colour,direction,speed,objects", lines[0]);
        Assert.Equal(1 + 8, lines.Length);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir, "train"), "*.mp4").Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "val"), "*.mp4").Length);
        Assert.StartsWith("train/bouncing_0000.mp4,slow,train,", lines[1]);
        Assert.Empty(Directory.GetFiles(dir, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_generated_video_decodes_to_frames_close_to_the_rendered_ones()
    {
        var o = TestVideos.BouncingOptions;
        var spec = SynthBouncing.Describe(o.Seed, 6, o);
        var rendered = SynthBouncing.RenderFrames(spec);

        var decoded = await FrameDecoder.DecodeAsync(
            Path.Combine(TestVideos.BouncingDir, spec.Split, spec.Name), 0, null, o.Fps, o.Size);

        Assert.Equal(o.FrameCount, decoded.Count);
        long sum = 0;
        for (int i = 0; i < decoded.Rgb.Length; i++)
            sum += Math.Abs(decoded.Rgb[i] - rendered[i]);
        // H.264 at crf 20 with 4:2:0 chroma: a few levels of error on average, not a different video.
        Assert.InRange((double)sum / decoded.Rgb.Length, 0, 8);
    }

    [Fact]
    public void Bad_options_are_usage_errors()
    {
        Assert.Throws<Jepa.Config.UsageException>(() => SynthBouncing.Describe(0, 0, Small with { Size = 33 }));
        Assert.Throws<Jepa.Config.UsageException>(() => SynthBouncing.Describe(0, 0, Small with { MaxObjects = 0 }));
        Assert.Throws<Jepa.Config.UsageException>(() => SynthBouncing.Describe(0, 0, Small with { Fps = 0 }));
    }
}
