using System.Diagnostics;
using System.Text.RegularExpressions;
using Jepa.Evaluation;
using Jepa.Evaluation.Pictures;
using Jepa.Training;

namespace Jepa.Tests.Evaluation;

public class ReportHtmlTests
{
    [Fact]
    public void The_report_opens_in_headless_chromium_with_every_plot_picture_and_animation_drawn()
    {
        // A run directory as training and eval leave it: metrics.jsonl (with collapse-monitor rows) and eval/report.json.
        var run = Directory.CreateTempSubdirectory("jepa-report").FullName;
        var evalDir = Path.Combine(run, "eval");
        using (var metrics = new MetricsLog(Path.Combine(run, "metrics.jsonl"), tensorboard: false))
            for (int step = 10; step <= 50; step += 10)
            {
                metrics.Write(new Dictionary<string, double> { ["step"] = step, ["loss_level1"] = 1.0 / step, ["loss_level2"] = 2.0 / step, ["lr"] = 1e-3 });
                metrics.Write(new Dictionary<string, double>
                {
                    ["step"] = step, ["eval_rank_level1"] = 40 + step, ["eval_rank_level2"] = 30 + step,
                    ["eval_ratio_level1_h1"] = 1 - step / 100.0, ["eval_ratio_level1_h2"] = 1 - step / 200.0, ["eval_ratio_level2_h1"] = 1 - step / 150.0,
                });
            }
        var checkpoint = new ReportCheckpoint(Path.Combine(run, "checkpoints", "step-000050.ckpt"), 50, "ab12");
        // Pictures as the evaluators leave them: a sheet and an animation beside report.json, listed in their sections.
        Directory.CreateDirectory(evalDir);
        var sheet = new PictureSheet(["frame 0", "frame 1"]);
        sheet.AddRow("clip", [RgbImage.Filled(16, 16, 200, 0, 0), RgbImage.Filled(16, 16, 0, 200, 0)]);
        foreach (var file in new[] { PictureFiles.PcaMaps, PictureFiles.Retrievals, PictureFiles.SurpriseMaps })
            File.WriteAllBytes(Path.Combine(evalDir, file), sheet.ToPng());
        var animation = Animation.Apng([RgbImage.Filled(16, 16, 200, 0, 0), RgbImage.Filled(16, 16, 0, 0, 200)], 2);
        foreach (var file in new[] { PictureFiles.PcaAnimation, PictureFiles.SurpriseAnimation })
            File.WriteAllBytes(Path.Combine(evalDir, file), animation);
        ReportPicture Picture(string file) => new(Path.GetFileNameWithoutExtension(file), file, file, "caption of " + file);
        ReportWriter.Merge(Path.Combine(evalDir, "report.json"), new PredictReport(
            new PredictSection([new PredictRow(1, 1, 0.5, 0.6, 0.83), new PredictRow(1, 2, 0.6, 0.7, 0.86), new PredictRow(2, 1, 0.4, 0.6, 0.67)],
                [new RetrievalRow(1, 1, 10, 20, 0.5, 0.9, 0.6, 0.05)],
                [Picture(PictureFiles.PcaMaps), Picture(PictureFiles.PcaAnimation), Picture(PictureFiles.Retrievals)]),
            new CollapseSection([new CollapseRow(1, 96, 50, 0.7, 80)]), 8, 50), checkpoint);
        var row = new VoeRow(1, "token_mean_time_max", 0.9, 0.85, 0.6, 0.55, 0.5, 0.5);
        ReportWriter.Merge(Path.Combine(evalDir, "report.json"), new VoeReport(new VoeSection([row], row, 1, 2, 1,
            [new VoeCurve("0", "p.mp4", true, [null, 0.1, 0.2, 0.1], [null, null, 0.1, 0.1]), new VoeCurve("0", "v.mp4", false, [null, 0.1, 0.5, 0.3], [null, null, 0.3, 0.2])],
            [new VoeEventRow("vanish", 1, 1, 0.5, 0)], null, [new LocalisationRow("vanish", 1, 1, 0.2)],
            [Picture(PictureFiles.SurpriseMaps), Picture(PictureFiles.SurpriseAnimation)])), checkpoint);
        ReportWriter.Merge(Path.Combine(evalDir, "report.json"), new ProbeReport(new ProbeSection([new ProbeRow("speed", 1, "motion", "linear", 0.8, 0.5, 0.33)], 20, 10)), checkpoint);

        var page = ReportHtml.Write(evalDir);

        var dom = Chromium(page);
        var images = Regex.Matches(dom, "<img id=\"plot-([a-z_]+)\"[^>]*src=\"data:image/png;base64,").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(ReportHtml.PlotNames, images);
        var pictures = Regex.Matches(dom, "<img id=\"picture-([a-z_]+)\"[^>]*src=\"data:image/png;base64,").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["pca_maps", "pca_animation", "retrievals", "surprise_maps", "surprise_animation"], pictures);
        // Every image (plots, sheets, APNG animations) decoded with a size.
        int count = ReportHtml.PlotNames.Count + pictures.Length;
        Assert.Contains($"data-images=\"{count}\"", dom);
        Assert.Contains($"data-images-drawn=\"{count}\"", dom);
        Assert.Contains("caption of pca_maps.png", dom);
        Assert.Contains("same_clip", dom);
        Assert.Contains("hit_rate", dom);
        Assert.Contains("random_encoder_accuracy", dom);
        Assert.Contains("By event, best level and statistic", dom);
        Assert.DoesNotContain("Not measured", dom);
    }

    // The page's DOM after load, from headless Chromium. Fails (never skips) when Chromium is absent:
    // scripts/test.sh installs it through scripts/install-deps.sh --with-chromium.
    private static string Chromium(string page)
    {
        var exe = new[] { "chromium", "chromium-browser" }
            .Select(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);
        Assert.True(exe is not null, "chromium is not installed; run scripts/install-deps.sh --with-chromium (scripts/test.sh does).");
        var profile = Directory.CreateTempSubdirectory("jepa-chromium").FullName;
        var psi = new ProcessStartInfo(exe!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", "--dump-dom", "file://" + page })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var dom = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "chromium did not finish in 60 s");
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
        return dom;
    }
}
