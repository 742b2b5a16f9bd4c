using Jepa.Config;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Video;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class VoeTests
{
    private static VoeClip Clip(string group, bool plausible) => new($"/{group}/{plausible}", group, plausible);

    /// <summary>A temporary folder holding a stand-in a.mp4 and the given CSV files (name, text).</summary>
    private static string CsvFolder(string name, params (string File, string Text)[] files)
    {
        var dir = Directory.CreateTempSubdirectory(name).FullName;
        File.WriteAllText(Path.Combine(dir, "a.mp4"), "x");
        foreach (var (file, text) in files) File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }

    /// <summary>A generated voe set of 1.5 s clips (12 frames at 8 fps, 32 px) scored by two untrained tiny models.</summary>
    private static async Task<(IReadOnlyList<VoeClip> Clips, VoeReport Report)> ScoreGenerated(string name, int groups, int minContext, string? csv = null)
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, name);
        var options = new SynthOptions { Seconds = 1.5, Fps = 8, Size = 32, Seed = 9, Groups = groups };
        var clips = VoeSet.Read(SynthPhysicsSet.GenerateVoe(dir, options));
        manual_seed(4);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        using var untrained = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        var report = await VoeEvaluator.EvaluateAsync(model, untrained, clips, options.Fps, 8, CPU, minContext, csv, CancellationToken.None);
        return (clips, report);
    }

    [Fact]
    public void Relative_accuracy_compares_only_within_groups_and_counts_a_tie_half()
    {
        // Group a: impossible 3 > plausible 1 (win), impossible 1 = 1 (tie). Group b: impossible 0 < plausible 9 (loss).
        // Across groups every impossible clip of a would lose to b's plausible 9, which must not count.
        var clips = new[] { Clip("a", true), Clip("a", false), Clip("a", false), Clip("b", true), Clip("b", false) };
        double[] surprise = [1, 3, 1, 9, 0];

        Assert.Equal((1 + 0.5 + 0) / 3, VoeMetrics.RelativeAccuracy(clips, surprise), 12);
        // AUROC over all clips: impossible {3,1,0} vs plausible {1,9}: 3>1 (1), 3<9, 1=1 (0.5), 1<9, 0<1, 0<9.
        Assert.Equal(1.5 / 6, VoeMetrics.Auroc(clips, surprise), 12);
    }

    [Fact]
    public void A_balanced_group_is_one_comparison_of_summed_surprise_and_a_model_without_permanence_scores_one_half()
    {
        static VoeClip Q(string group, bool plausible) => new($"/{group}/{plausible}", group, plausible, plausible ? null : "vanish_behind", Balanced: true);
        // Quadruplet: in+out (plausible), nothing (plausible), in+never out, nothing in+out. A surprise that only sees
        // the object coming out (no permanence): the out-clips 5, the others 1: sums 6 = 6, a tie, one half.
        var quad = new[] { Q("q", true), Q("q", true), Q("q", false), Q("q", false) };
        Assert.Equal(0.5, VoeMetrics.RelativeAccuracy(quad, [5, 1, 1, 5]), 12);
        // A pairwise reading of the same numbers would score 2 of 4 pairs lost and one won: not what IntPhys measures.
        // A model with permanence: surprised by the object that never came out (4) and by the one from nowhere (9).
        Assert.Equal(1.0, VoeMetrics.RelativeAccuracy(quad, [5, 1, 4, 9]), 12);
        Assert.Equal(0.0, VoeMetrics.RelativeAccuracy(quad, [5, 1, 1, 4]), 12);
        Assert.Equal(1, VoeMetrics.Pairs(quad));
        Assert.Equal("balanced", VoeMetrics.Metric(quad));

        // Beside a pairwise group (2 pairs: one won, one lost) the set has 3 comparisons, each counted once.
        var both = quad.Concat([Clip("p", true), Clip("p", false), Clip("p", false)]).ToArray();
        Assert.Equal(3, VoeMetrics.Pairs(both));
        Assert.Equal((1 + 1 + 0) / 3.0, VoeMetrics.RelativeAccuracy(both, [5, 1, 4, 9, 2, 3, 1]), 12);
        Assert.Equal("mixed", VoeMetrics.Metric(both));
        Assert.Equal("pairwise", VoeMetrics.Metric(both[4..]));

        // A balanced group adds up over frames: every time max is scored by its time mean, the rest as they are.
        Assert.Equal("token_mean_time_mean", VoeMetrics.BalancedStatistic("token_mean_time_max"));
        Assert.Equal("pooled_time_mean", VoeMetrics.BalancedStatistic("pooled_time_max"));
        Assert.Equal("token_max_time_mean", VoeMetrics.BalancedStatistic("token_max_time_mean"));
        Assert.All(SurpriseCurve.Statistics, s => Assert.EndsWith("_time_mean", VoeMetrics.BalancedStatistic(s)));
    }

    [Fact]
    public async Task An_occluded_set_scores_each_quadruplet_once_and_says_which_metric_each_event_uses()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "voe-quads");
        var options = new SynthOptions { Seconds = 1.5, Fps = 8, Size = 32, Seed = 9, Groups = 2, Occluders = true };
        var clips = VoeSet.Read(SynthPhysicsSet.GenerateVoe(dir, options));
        manual_seed(4);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        using var untrained = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        var report = await VoeEvaluator.EvaluateAsync(model, untrained, clips, options.Fps, 8, CPU, 3, null, CancellationToken.None);

        // Group 0: 2 pairwise events (throughwall, antigravity) and seven quadruplets (recolour, reshape, vanish, slowdown,
        // reversal, stop, teleport); group 1: seven quadruplets sharing its plausible clip; one comparison per quadruplet.
        Assert.Equal(2 + 7 + 7, report.Voe.Pairs);
        Assert.Equal(1 + 7 + 7, report.Voe.Groups);
        var events = report.Voe.ByEvent.ToDictionary(e => e.Event);
        Assert.All(SynthPhysicsSet.HiddenQuadruplets.Concat(SynthPhysicsSet.PlainQuadruplets).Concat(SynthPhysicsSet.MotionQuadruplets),
            q => Assert.Equal(("balanced", 1), (events[q.Kind].Metric, events[q.Kind].Pairs)));
        Assert.All(["throughwall", "antigravity"], e => Assert.Equal(("pairwise", 1), (events[e].Metric, events[e].Pairs)));

    }

    [Fact]
    public void The_balanced_column_is_optional_and_a_balanced_group_needs_as_many_possible_as_impossible_clips_and_one_value()
    {
        var dir = CsvFolder("voe-balanced",
            ("quad.csv", "path,group,plausible,event,balanced\na.mp4,q,1,none,1\na.mp4,q,1,none,1\na.mp4,q,0,x,1\na.mp4,q,0,x,1\na.mp4,p,1,none,0\na.mp4,p,0,y,0\n"),
            ("uneven.csv", "path,group,plausible,balanced\na.mp4,q,1,1\na.mp4,q,0,1\na.mp4,q,0,1\n"),
            ("mixed.csv", "path,group,plausible,balanced\na.mp4,q,1,1\na.mp4,q,0,0\n"),
            ("bad.csv", "path,group,plausible,balanced\na.mp4,q,1,yes\na.mp4,q,0,1\n"));
        string Csv(string f) => Path.Combine(dir, f);

        Assert.Equal(new[] { true, true, true, true, false, false }, VoeSet.Read(Csv("quad.csv")).Select(c => c.Balanced));
        Assert.Contains("balanced group 'q' has 1 plausible and 2 impossible clips", Assert.Throws<UsageException>(() => VoeSet.Read(Csv("uneven.csv"))).Message);
        Assert.Contains("group 'q' has rows with balanced 1 and rows with 0", Assert.Throws<UsageException>(() => VoeSet.Read(Csv("mixed.csv"))).Message);
        Assert.Contains("line 2 has balanced 'yes'", Assert.Throws<UsageException>(() => VoeSet.Read(Csv("bad.csv"))).Message);
    }

    [Fact]
    public void The_optional_event_column_names_impossible_clips_only()
    {
        var dir = CsvFolder("voe-event",
            ("pairs.csv", "path,group,plausible,event\na.mp4,1,1,none\na.mp4,1,0,vanish\na.mp4,1,0,\n"),
            ("plain.csv", "path,group,plausible\na.mp4,1,1\na.mp4,1,0\n"));
        string csv = Path.Combine(dir, "pairs.csv"), plain = Path.Combine(dir, "plain.csv");

        Assert.Equal(new string?[] { null, "vanish", null }, VoeSet.Read(csv).Select(c => c.Event));
        Assert.All(VoeSet.Read(plain), c => Assert.Null(c.Event));
    }

    [Fact]
    public void A_csv_without_a_group_column_or_with_a_one_sided_group_is_a_usage_error_naming_it()
    {
        var dir = CsvFolder("voe-csv",
            ("nogroup.csv", "path,plausible\na.mp4,1\n"),
            ("onesided.csv", "path,group,plausible\na.mp4,g1,1\na.mp4,g1,1\n"));
        string noGroup = Path.Combine(dir, "nogroup.csv"), oneSided = Path.Combine(dir, "onesided.csv");

        Assert.Contains("no group column", Assert.Throws<UsageException>(() => VoeSet.Read(noGroup)).Message);
        Assert.Contains("group 'g1' needs at least one plausible (1) and one impossible (0)", Assert.Throws<UsageException>(() => VoeSet.Read(oneSided)).Message);
    }

    [Fact]
    public void A_vanishing_object_is_a_spike_in_the_pixel_surprise_at_its_event_frame()
    {
        var options = new SynthOptions { Seconds = 1, Fps = 8, Size = 32, Seed = 5 };
        var start = SynthPhysicsSet.DescribeGroup(options.Seed, 0, options);
        var vanish = SynthPhysicsSet.Variant(start, PhysicsEvent.Vanish, options.Seed, 0);
        var frames = new DecodedFrames(options.FrameCount, options.Size, vanish.Render());

        var curve = SurpriseScorer.Pixel(frames, grid: 4);

        Assert.True(double.IsNaN(curve.TokenMean[0]), "frame 0 has no previous frame");
        Assert.True(curve.TokenMax[vanish.EventFrame] > 0);
        // Once the object is gone nothing moves: no pixel changes at all (raw frames, no codec noise).
        Assert.All(curve.TokenMax.Skip(vanish.EventFrame + 1), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Pooled_pixel_surprise_sees_a_recolour_and_a_vanish_but_not_an_unchanged_frame()
    {
        var options = new SynthOptions { Seconds = 1, Fps = 8, Size = 32, Seed = 5 };
        var start = SynthPhysicsSet.DescribeGroup(options.Seed, 0, options);
        foreach (var kind in new[] { PhysicsEvent.Recolour, PhysicsEvent.Vanish })
        {
            var scene = SynthPhysicsSet.Variant(start, kind, options.Seed, 0);
            var curve = SurpriseScorer.Pixel(new DecodedFrames(options.FrameCount, options.Size, scene.Render()), grid: 4, minContext: 2);

            Assert.True(double.IsNaN(curve.Pooled[1]), "frame 1 has one frame of context, fewer than 2");
            Assert.True(curve.Pooled[scene.EventFrame] > 0, $"{kind}: the frame's mean colour changes at the event");
        }
        var vanish = SynthPhysicsSet.Variant(start, PhysicsEvent.Vanish, options.Seed, 0);
        var still = SurpriseScorer.Pixel(new DecodedFrames(options.FrameCount, options.Size, vanish.Render()), grid: 4);
        Assert.All(still.Pooled.Skip(vanish.EventFrame + 1), v => Assert.Equal(0, v));
    }

    [Fact]
    public async Task Frames_with_less_context_than_asked_are_not_scored_and_every_scored_frame_is_in_the_csv()
    {
        var csvPath = Path.Combine(TestSupport.TestVideos.Root, "voe-context", "out", "voe_surprise.csv");

        var (clips, report) = await ScoreGenerated("voe-context", groups: 1, minContext: 3, csvPath);

        // 12 frames, windows of 8, at least 3 frames seen: level 1 scores frames 3..11; level 2 (chunks of 2)
        // the chunk ending at 5 (4 frames seen) and 7, then every frame after from the sliding windows.
        static int[] Scored(double?[] v) => v.Select((x, i) => (x, i)).Where(p => p.x is not null).Select(p => p.i).ToArray();
        var curve = report.Voe.Curves[0];
        Assert.Equal(Enumerable.Range(3, 9), Scored(curve.Level1));
        Assert.Equal(new[] { 5, 7, 8, 9, 10, 11 }, Scored(curve.Level2));

        var lines = File.ReadAllLines(csvPath);
        Assert.Equal("path,group,plausible,source,level,frame,token_mean,token_max,pooled", lines[0]);
        // Per clip: model and untrained 9 + 6 frames each, pixel 9 frames.
        Assert.Equal(clips.Count * (2 * (9 + 6) + 9), lines.Length - 1);
        var first = lines[1].Split(',');
        Assert.Equal(clips[0].Path, first[0]);
        Assert.Equal(("model", "1", "3"), (first[3], first[4], first[5]));
        Assert.All(lines.Skip(1), l => Assert.All(l.Split(',')[6..], v => Assert.True(double.IsFinite(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Fact]
    public async Task Voe_scores_every_level_and_statistic_beside_both_baselines_and_merges_into_the_report()
    {
        var (_, report) = await ScoreGenerated("voe-eval", groups: 2, minContext: 1);

        Assert.Equal(2 * SurpriseCurve.Statistics.Count, report.Voe.Levels.Count);
        Assert.All(report.Voe.Levels, r =>
        {
            foreach (var v in new[] { r.RelativeAccuracy, r.Auroc, r.UntrainedRelativeAccuracy, r.PixelRelativeAccuracy, r.PixelAuroc })
                Assert.InRange(v, 0, 1);
        });
        Assert.Equal(2 * SynthPhysicsSet.Violations.Count, report.Voe.Pairs);
        // 12 frames, windows of 8: level 1 scores frames 1..11, level 2 chunk ends 3, 5, 7 then every frame after.
        var curve = report.Voe.Curves[0];
        Assert.Null(curve.Level1[0]);
        Assert.All(curve.Level1.Skip(1), v => Assert.NotNull(v));
        Assert.Equal(new[] { 3, 5, 7, 8, 9, 10, 11 }, curve.Level2.Select((v, i) => (v, i)).Where(p => p.v is not null).Select(p => p.i));

        // pairs.csv names each impossible clip's event: one row per event, each over its 2 groups' pairs.
        Assert.Equal(SynthPhysicsSet.Violations.Select(SynthPhysicsSet.EventName), report.Voe.ByEvent.Select(e => e.Event));
        Assert.All(report.Voe.ByEvent, e =>
        {
            Assert.Equal(2, e.Pairs);
            Assert.InRange(e.RelativeAccuracy, 0, 1);
        });
        Assert.Equal(report.Voe.Best.RelativeAccuracy, report.Voe.ByEvent.Average(e => e.RelativeAccuracy), 12);

        var path = Path.Combine(TestSupport.TestVideos.Root, "voe-eval", "report.json");
        ReportWriter.Merge(path, report, new ReportCheckpoint("tiny.ckpt", 3, "ab12"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("token_mean_time_max", (string)json["voe"]!["levels"]![0]!["statistic"]!);
        Assert.NotNull(json["voe"]!["levels"]![0]!["auroc"]);
    }
    [Fact]
    public void SurpriseOverHorizonsAveragesThePredictionsOfAStepThatSawEnoughFrames()
    {
        // One clip of 6 steps, 2 tokens of 3 channels, predictions at horizons 1 and 2 made by hand.
        manual_seed(5);
        var targets = rand(1, 6, 2, 3);
        var level = new LevelOutput(targets, targets, [rand(1, 5, 2, 3), rand(1, 4, 2, 3)]);
        float Error(int k, int s, int token) => (level.Predictions[k - 1][0, s, token] - targets[0, s + k, token]).abs().mean().item<float>();
        float Pooled(int k, int s) => (level.Predictions[k - 1][0, s].mean([0]) - targets[0, s + k].mean([0])).abs().mean().item<float>();

        // One horizon: exactly the next-step error, scored where its prediction saw minContext (3) frames: steps 3..5.
        var (one, onePooled, oneScored) = SurpriseScorer.Errors(level, span: 1, minContext: 3, horizons: 1);
        Assert.Equal([false, false, true, true, true], oneScored);
        Assert.Equal(Error(1, 3, 1), one[0, 3, 1].item<float>());
        Assert.Equal(Pooled(1, 2), onePooled[0, 2].item<float>());

        // Two horizons: step 3 has only its horizon-1 prediction (the horizon-2 one, from step 1, saw 2 frames),
        // step 4 the mean of both.
        var (two, twoPooled, twoScored) = SurpriseScorer.Errors(level, span: 1, minContext: 3, horizons: 2);
        Assert.Equal(oneScored, twoScored);
        Assert.Equal(Error(1, 2, 0), two[0, 2, 0].item<float>(), 6);
        Assert.Equal((Error(1, 3, 0) + Error(2, 2, 0)) / 2, two[0, 3, 0].item<float>(), 6);
        Assert.Equal((Pooled(1, 4) + Pooled(2, 3)) / 2, twoPooled[0, 4].item<float>(), 6);
        Assert.NotEqual(one[0, 3, 0].item<float>(), two[0, 3, 0].item<float>());

        // More horizons than the level has: capped at its two. Chunks of 2 frames: step s saw 2(s+1) frames.
        var (capped, _, _) = SurpriseScorer.Errors(level, span: 1, minContext: 3, horizons: 5);
        Assert.True(two.allclose(capped, rtol: 0, atol: 0));
        var (_, _, chunked) = SurpriseScorer.Errors(level, span: 2, minContext: 3, horizons: 2);
        Assert.Equal([false, true, true, true, true], chunked);
    }
}
