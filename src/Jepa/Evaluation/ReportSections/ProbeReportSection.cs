namespace Jepa.Evaluation.ReportSections;

/// <summary>eval --task probe: frozen-feature probes beside the same probes on a random encoder.</summary>
public sealed class ProbeReportSection : IReportSection
{
    public string Title => "Probes";

    public IReadOnlyList<string> Plots => [];

    public void Write(ReportPage page) => page.Table(page.Rows("probe", "labels"),
        ["label", "level", "features", "probe", "accuracy", "random_encoder_accuracy", "chance"]);
}
