namespace Jepa.Evaluation.ReportSections;

/// <summary>eval --task plan: success of the planner beside the baselines, and episode videos (<see cref="PlanHtml"/>).</summary>
public sealed class PlanReportSection : IReportSection
{
    public string Title => "Planning";

    public IReadOnlyList<string> Plots => [];

    public void Write(ReportPage page)
    {
        if (PlanHtml.Section(page.EvalDir, page.Report) is { } body)
            page.Raw(body);
        else
            page.Missing();
    }
}
