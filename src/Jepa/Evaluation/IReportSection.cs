namespace Jepa.Evaluation;

/// <summary>
/// One section of report.html: a heading and what it draws from report.json and metrics.jsonl.
/// A new task adds its own section to <see cref="ReportHtml.Sections"/> and touches no other.
/// </summary>
public interface IReportSection
{
    string Title { get; }

    /// <summary>Names of the plots it saves beside the page (<c>name.png</c>), in page order.</summary>
    IReadOnlyList<string> Plots { get; }

    /// <summary>Writes its part of the page (headings below its title, plots, tables, pictures).</summary>
    void Write(ReportPage page);
}
