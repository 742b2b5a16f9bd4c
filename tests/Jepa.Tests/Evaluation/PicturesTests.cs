using System.Diagnostics;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Evaluation.Pictures;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Video;
using Jepa.Worlds;
using Serilog;
using SkiaSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class PicturesTests
{
    [Fact]
    public void Pca_colours_separate_two_kinds_of_token_and_the_map_has_the_frame_size()
    {
        // Tokens of a 4×4 grid: the left half near one embedding, the right half near another, plus noise.
        manual_seed(1);
        var a = randn(32);
        var b = randn(32);
        var tokens = zeros(3, 16, 32); // [T, N, D]
        for (int n = 0; n < 16; n++)
            tokens[.., n] = (n % 4 < 2 ? a : b) + 0.05 * randn(3, 32);
        using var pca = PcaColours.Fit(tokens.reshape(-1, 32));

        var maps = pca.Maps(tokens, 32);

        Assert.Equal(3, maps.Length);
        Assert.All(maps, m => Assert.Equal((32, 32), (m.Width, m.Height)));
        // The first component (red) is the left/right split: pixels deep inside the halves are alike within a
        // half and at opposite ends across. (Green and blue are the noise's components, stretched to the full range.)
        var map = maps[1];
        Assert.True(Math.Abs(map[2, 5].R - map[29, 5].R) > 150, $"left {map[2, 5]} and right {map[29, 5]} should differ in red");
        Assert.True(Math.Abs(map[2, 5].R - map[3, 27].R) < 30, $"two left pixels {map[2, 5]} and {map[3, 27]} should match in red");
        Assert.Equal(3, pca.Components.shape[0]);
    }

    [Fact]
    public void Retrieval_returns_the_true_frame_when_the_prediction_equals_its_embedding_and_never_a_seen_frame()
    {
        manual_seed(2);
        var targets = randn(3, 5, 4, 8); // [C, T, N, D]
        // Perfect predictions: the prediction of t+k is the target of t+k.
        var perfect = new[] { targets.narrow(1, 1, 4), targets.narrow(1, 2, 3) };

        var rows = PredictPictures.Score(targets, perfect);

        Assert.Equal([1, 2], rows.Select(r => r.Horizon));
        Assert.All(rows, r => Assert.Equal(1.0, r.Top1));
        Assert.Equal(3 * 4, rows[0].Queries);
        // Persistence (the last seen target) as the prediction: that frame is left out of the gallery, so it finds another.
        var still = new[] { targets.narrow(1, 0, 4) };
        var persistence = PredictPictures.Score(targets, still)[0];
        Assert.True(persistence.Top1 < 1, "the seen frame must not be retrievable");

        var gallery = targets.reshape(15, -1);
        Assert.Equal([7L, 2L], Retrieval.Nearest(gallery[TensorIndex.Tensor(tensor(new long[] { 7, 2 }))], gallery));
        var excluded = zeros(1, 15, dtype: ScalarType.Bool);
        excluded[0, 7] = true;
        Assert.NotEqual(7L, Retrieval.Nearest(gallery[7].unsqueeze(0), gallery, excluded)[0]);
    }

    [Fact]
    public void The_surprise_overlay_is_hottest_on_the_surprising_token()
    {
        var frame = RgbImage.Filled(32, 32, 40, 80, 120);
        var values = new float[16];
        values[6] = 1; // row 1, column 2 of the 4×4 grid: pixels x 16..23, y 8..15

        var painted = Heat.Overlay(frame, values, grid: 4, lo: 0, hi: 1);

        int best = -1, bx = 0, by = 0;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
            {
                var (r, g, b) = painted[x, y];
                int change = Math.Abs(r - 40) + Math.Abs(g - 80) + Math.Abs(b - 120);
                if (change > best) (best, bx, by) = (change, x, y);
            }
        Assert.InRange(bx, 16, 23);
        Assert.InRange(by, 8, 15);
        Assert.Equal(frame[0, 0], painted[0, 0]); // a token at the low end leaves the frame as it was
    }

    [Fact]
    public void The_event_frame_is_where_the_twins_first_differ_and_a_peak_there_is_a_hit()
    {
        // Two 6-frame videos of 32 px, identical until frame 3, where the impossible one loses a bright square in token 9 (row 2, column 1).
        const int frames = 6, size = 32;
        var plausible = new byte[frames * size * size * 3];
        for (int f = 0; f < frames; f++)
            for (int y = 16; y < 24; y++)
                for (int x = 8; x < 16; x++)
                    for (int c = 0; c < 3; c++)
                        plausible[((f * size + y) * size + x) * 3 + c] = 250;
        var impossible = (byte[])plausible.Clone();
        Array.Clear(impossible, 3 * size * size * 3, 3 * size * size * 3);
        var videos = new[] { new DecodedFrames(frames, size, plausible), new DecodedFrames(frames, size, impossible) };
        var clips = new[] { new VoeClip("p.mp4", "0", true), new VoeClip("v.mp4", "0", false, "vanish") };
        SurpriseCurve Curve(int peakToken)
        {
            var map = new float[frames * 16];
            for (int f = 2; f < frames; f++) map[f * 16 + peakToken] = f == 3 ? 5 : 1;
            var curve = SurpriseCurve.Empty(frames) with { TokenMap = map, Tokens = 16 };
            for (int f = 2; f < frames; f++) curve.TokenMean[f] = map.Skip(f * 16).Take(16).Average();
            return curve;
        }

        Assert.Equal(3, SurprisePictures.EventFrame(videos[0], videos[1], 4));
        var hit = SurprisePictures.Localise(clips, videos, [Curve(9), Curve(9)], 4);
        var miss = SurprisePictures.Localise(clips, videos, [Curve(0), Curve(0)], 4);

        Assert.Equal(("vanish", 1, 1.0), (hit[0].Event, hit[0].Clips, hit[0].HitRate));
        Assert.Equal(1.0 / 16, hit[0].Chance);
        Assert.Equal(0.0, miss[0].HitRate);
    }

    [Fact]
    public async Task Voe_scoring_keeps_each_tokens_surprise_and_draws_the_maps_of_every_event()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "voe-pictures");
        var options = new SynthOptions { Seconds = 1.5, Fps = 8, Size = 32, Seed = 9, Groups = 1 };
        var clips = VoeSet.Read(SynthPhysicsSet.GenerateVoe(dir, options));
        manual_seed(4);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        using var untrained = new HJepa(HJepaTests.Tiny(), size: 32, frames: 8);
        var outDir = Directory.CreateTempSubdirectory("jepa-voe-pictures").FullName;

        var voe = (await VoeEvaluator.EvaluateAsync(model, untrained, clips, options.Fps, 8, CPU, 3, null, CancellationToken.None, picturesDir: outDir)).Voe;

        Assert.Equal(["surprise_maps", "surprise_animation"], voe.Pictures!.Select(p => p.Name));
        var events = clips.Where(c => !c.Plausible).Select(c => c.Event).Distinct().Count();
        using (var sheet = SKBitmap.Decode(Path.Combine(outDir, PictureFiles.SurpriseMaps)))
            Assert.True(sheet.Height > 2 * events * 32 * 2, $"{events} pairs of rows of 64-px cells need more than {sheet.Height} px");
        Assert.Equal(12, FrameCount(Path.Combine(outDir, PictureFiles.SurpriseAnimation)));
        Assert.Contains(voe.Localisation!, r => r.Event == "all" && r.Clips == events);
        Assert.All(voe.Localisation!, r => Assert.InRange(r.HitRate, 0, 1));
    }

    [Fact]
    public void The_token_map_agrees_with_the_frame_mean_and_max_of_the_same_errors()
    {
        manual_seed(6);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        var rgb = new byte[6 * 32 * 32 * 3];
        new Random(3).NextBytes(rgb);
        var video = new DecodedFrames(6, 32, rgb);

        var level1 = SurpriseScorer.Model(model, [video], 4, CPU, minContext: 1)[0][0];

        for (int f = 0; f < 6; f++)
        {
            var map = level1.TokensAt(f);
            Assert.Equal(double.IsFinite(level1.TokenMean[f]), map is not null);
            if (map is null) continue;
            Assert.Equal(16, map.Length);
            Assert.Equal(level1.TokenMean[f], map.Average(), 5);
            Assert.Equal(level1.TokenMax[f], map.Max(), 5);
        }
    }

    [Fact]
    public async Task Predict_evaluation_draws_pca_maps_and_retrievals_from_the_held_out_clips()
    {
        var data = new DataConfig { Val = Path.Combine(TestSupport.TestVideos.BouncingDir, "val"), Frames = 4, Size = 32, Workers = 1 };
        var corpus = await Corpus.LoadAsync(data.Val, "data.val", data, new LoggerConfiguration().CreateLogger(), CancellationToken.None);
        var clips = EvalClips.Select(corpus, 4, 8);
        manual_seed(5);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        var outDir = Path.Combine(Directory.CreateTempSubdirectory("jepa-predict-pictures").FullName, "eval");

        var predict = PredictEvaluator.Evaluate(model, corpus, clips, 4, 1, CPU, outDir, 8).Predict;

        Assert.Equal(["pca_maps", "pca_animation", "retrievals"], predict.Pictures!.Select(p => p.Name));
        Assert.Equal([1, 2], predict.Retrieval!.Select(r => r.Horizon));
        Assert.All(predict.Retrieval!, r => Assert.Equal(clips.Count * 4, r.Gallery));
        int shown = Math.Min(PredictPictures.Shown, clips.Count);
        using (var pca = SKBitmap.Decode(Path.Combine(outDir, PictureFiles.PcaMaps)))
        {
            // Two rows (frames, PCA) of 2×32-px cells per clip shown, 4 frame columns.
            Assert.True(pca.Height >= shown * 2 * 64, $"{pca.Height} px");
            Assert.True(pca.Width >= 4 * 64, $"{pca.Width} px");
        }
        Assert.Equal(4, FrameCount(Path.Combine(outDir, PictureFiles.PcaAnimation)));
        using (var retrievals = SKBitmap.Decode(Path.Combine(outDir, PictureFiles.Retrievals)))
            Assert.True(retrievals.Height >= shown * 64, $"{retrievals.Height} px");
    }

    [Fact]
    public void An_animation_is_an_apng_with_every_frame()
    {
        var frames = Enumerable.Range(0, 5).Select(i => RgbImage.Filled(20, 10, (byte)(i * 50), 0, 0)).ToArray();
        var path = Path.Combine(Directory.CreateTempSubdirectory("jepa-apng").FullName, "a.png");

        File.WriteAllBytes(path, Animation.Apng(frames, 4));

        Assert.Equal(5, FrameCount(path));
        using var first = SKBitmap.Decode(path);
        Assert.Equal((20, 10), (first.Width, first.Height));
    }

    // Frames ffprobe counts in an animated PNG.
    private static int FrameCount(string path)
    {
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
        { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
