using System.Text.Json.Nodes;
using Jepa.Config;
using Jepa.Evaluation;
using Jepa.Tests.Cli;

namespace Jepa.Tests.Evaluation;

public class ReportWriterTests
{
    private static readonly ReportCheckpoint A = new("/runs/x/checkpoints/step-000500.ckpt", 500, "aa11");
    private static readonly ReportCheckpoint B = new("/runs/x/checkpoints/step-001000.ckpt", 1000, "bb22");

    private static PredictReport Predict(long step) =>
        new(new PredictSection([new PredictRow(1, 1, 0.5, 0.6, 0.83)]), new CollapseSection([new CollapseRow(1, 96, 50, 0.7, 80)]), 8, step);

    private static ProbeReport Probe() => new(new ProbeSection([new ProbeRow("speed", 1, "motion", "linear", 0.8, 0.5, 0.33)], 20, 10));

    [Fact]
    public void Sections_of_one_checkpoint_merge_and_a_section_of_another_is_refused_leaving_the_report_as_it_was()
    {
        var path = Path.Combine(JepaProcess.TempDir("report-merge"), "report.json");
        ReportWriter.Merge(path, Predict(500), A);
        ReportWriter.Merge(path, Probe(), A with { Path = "/elsewhere/copy.ckpt" });
        var merged = File.ReadAllText(path);

        var e = Assert.Throws<UsageException>(() => ReportWriter.Merge(path, Predict(1000), B));

        Assert.Contains($"is the report of /elsewhere/copy.ckpt (step 500), not of {B.Path} (step 1000); pass --overwrite", e.Message);
        Assert.Equal(merged, File.ReadAllText(path));
        var json = JsonNode.Parse(merged)!;
        Assert.NotNull(json["predict"]);
        Assert.NotNull(json["probe"]);
        Assert.Equal(500, (long)json["step"]!);
        Assert.Equal("aa11", (string)json["checkpoint"]!["sha256"]!);
    }

    [Fact]
    public void A_report_that_names_no_checkpoint_or_is_not_json_is_refused_and_overwrite_removes_only_what_eval_writes()
    {
        var dir = JepaProcess.TempDir("report-foreign");
        var path = Path.Combine(dir, "report.json");
        File.WriteAllText(path, "{\"predict\":{},\"step\":3}");
        Assert.Contains("does not say which checkpoint", Assert.Throws<UsageException>(() => ReportWriter.CheckTarget(path, A)).Message);
        File.WriteAllText(path, "not json");
        Assert.Contains("is not a report jepa eval can read", Assert.Throws<UsageException>(() => ReportWriter.Prepare(dir, A, overwrite: false)).Message);
        Assert.Equal("not json", File.ReadAllText(path));
        File.WriteAllText(Path.Combine(dir, "surprise.png"), "plot");
        File.WriteAllText(Path.Combine(dir, "notes.md"), "mine");

        ReportWriter.Prepare(dir, A, overwrite: true);

        Assert.Equal(["notes.md"], Directory.EnumerateFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Overwrite_into_a_folder_that_does_not_exist_yet_removes_nothing_and_the_report_is_written_there()
    {
        var dir = Path.Combine(JepaProcess.TempDir("report-new"), "eval");
        ReportWriter.Prepare(dir, A, overwrite: true);
        Assert.False(Directory.Exists(dir));
        ReportWriter.Merge(Path.Combine(dir, "report.json"), Predict(500), A);
        Assert.True(File.Exists(Path.Combine(dir, "report.json")));
    }

    [Fact]
    public void Apostrophes_and_accents_in_paths_stay_readable_in_report_json()
    {
        var path = Path.Combine(JepaProcess.TempDir("report-escape"), "report.json");
        ReportWriter.Merge(path, Probe(), A with { Path = "/runs/l'été/latest.ckpt" });

        var text = File.ReadAllText(path);

        Assert.Contains("\"/runs/l'été/latest.ckpt\"", text);
        Assert.DoesNotContain("\\u", text);
    }
}
