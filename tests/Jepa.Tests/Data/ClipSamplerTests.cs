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
