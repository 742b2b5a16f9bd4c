using Jepa.Data;

namespace Jepa.Tests.Data;

public class ClipSamplerTests
{
    private static readonly int[] Counts = [32, 10, 8, 100];

    [Fact]
    public void The_same_seed_step_and_slot_give_the_same_clip()
    {
        for (int step = 0; step < 50; step++)
            for (int slot = 0; slot < 4; slot++)
                Assert.Equal(ClipSampler.Sample(3, step, slot, Counts, 8, true), ClipSampler.Sample(3, step, slot, Counts, 8, true));
    }

    [Fact]
    public void Clips_stay_inside_their_video_and_cover_every_video_and_both_flips()
    {
        var seen = new HashSet<int>();
        int flips = 0, n = 4000;
        for (int i = 0; i < n; i++)
        {
            var c = ClipSampler.Sample(1, i / 8, i % 8, Counts, 8, true);
            Assert.InRange(c.Start, 0, Counts[c.Video] - 8);
            seen.Add(c.Video);
            flips += c.Flip ? 1 : 0;
        }
        Assert.Equal(Counts.Length, seen.Count);
        Assert.InRange(flips, n * 0.4, n * 0.6);
    }

    [Fact]
    public void Another_seed_gives_other_clips()
    {
        int same = Enumerable.Range(0, 200).Count(i => ClipSampler.Sample(1, i, 0, Counts, 8, true) == ClipSampler.Sample(2, i, 0, Counts, 8, true));
        Assert.True(same < 40, $"{same} of 200 clips identical across seeds");
    }
}

public class ClipViewTests
{
    [Fact]
    public void Crop_boxes_stay_inside_the_frame_with_the_requested_area()
    {
        int[] counts = [40];
        for (int i = 0; i < 2000; i++)
        {
            var c = ClipSampler.Sample(5, i, 0, counts, 8, true, cropScaleMin: 0.5);
            Assert.InRange(c.CropW * c.CropH, 0.5f * 0.75f, 1.0001f); // area may shrink where the aspect clips at 1
            Assert.InRange(c.CropX - c.CropW / 2, -1e-5f, 1f);
            Assert.InRange(c.CropX + c.CropW / 2, 0f, 1.00001f);
            Assert.InRange(c.CropY - c.CropH / 2, -1e-5f, 1f);
            Assert.InRange(c.CropY + c.CropH / 2, 0f, 1.00001f);
        }
    }

    [Fact]
    public void A_flip_mirrors_the_frame_and_an_identity_view_changes_nothing()
    {
        // One 4×4 clip of one frame whose red channel is the column index.
        const int s = 4;
        var bytes = new byte[s * s * 3];
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
                bytes[(y * s + x) * 3] = (byte)(x * 60);
        var cpu = TorchSharp.torch.CPU;
        var plain = ClipTensors.ToInput(bytes, 1, 1, s, cpu, [new ClipRef(0, 0)]);
        var none = ClipTensors.ToInput(bytes, 1, 1, s, cpu);
        Assert.True(plain.allclose(none));
        var flipped = ClipTensors.ToInput(bytes, 1, 1, s, cpu, [new ClipRef(0, 0, Flip: true)]);
        Assert.True(flipped.allclose(plain.flip(4), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void A_crop_of_the_left_half_magnifies_the_left_half()
    {
        const int s = 8;
        var bytes = new byte[s * s * 3];
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
                bytes[(y * s + x) * 3] = (byte)(x < s / 2 ? 200 : 0);
        var left = ClipTensors.ToInput(bytes, 1, 1, s, TorchSharp.torch.CPU, [new ClipRef(0, 0, CropW: 0.5f, CropX: 0.25f)]);
        var red = left[0, 0, 0];
        // Every pixel of the view comes from the bright half.
        Assert.True(red.min().item<float>() > 0);
    }
}
