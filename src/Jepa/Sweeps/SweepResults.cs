using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jepa.Sweeps;

/// <summary>
/// The status of every run of a sweep, as a table, as JSON, and as results.csv: one row per finished run
/// with its grid values, final loss and evaluation figures (and the same as a Markdown table, results.md).
/// </summary>
public sealed class SweepResults
{
    public const string ResultsFile = "results.csv";
    public const string MarkdownFile = "results.md";

    public SweepPlan Plan { get; }
    public IReadOnlyList<SweepRunStatus> Runs { get; }

    private SweepResults(SweepPlan plan, IReadOnlyList<SweepRunStatus> runs)
    {
        Plan = plan;
        Runs = runs;
    }

    public static SweepResults Read(SweepPlan plan) => new(plan, plan.Runs.Select(SweepRunStatus.Read).ToList());

    private static string Name(RunState state) => state.ToString().ToLowerInvariant();

    private static string Number(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "";

    /// <summary><c>{"runs":[{"name","state","step","steps","run_dir","loss", figures…},…]}</c>.</summary>
    public string ToJson()
    {
        var runs = Runs.Select(r =>
        {
            var o = new Dictionary<string, object?>
            {
                ["name"] = r.Run.Name, ["state"] = Name(r.State), ["step"] = r.Step, ["steps"] = r.Steps,
                ["run_dir"] = r.Run.Dir, ["loss"] = r.Loss,
            };
            foreach (var v in r.Run.Values) o[v.Key] = v.Value;
            foreach (var f in r.Figures) o[f.Key] = f.Value;
            if (r.Failure is not null) o["failure"] = r.Failure;
            return o;
        }).ToList();
        return JsonSerializer.Serialize(new { runs }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>A fixed-width table: name, state, step/steps, last loss, then the latest evaluation's figures.</summary>
    public string ToTable()
    {
        var figureKeys = FigureKeys();
        var header = new[] { "name", "state", "step", "loss" }.Concat(figureKeys).ToArray();
        var rows = Runs.Select(r => new[] { r.Run.Name, Name(r.State), $"{r.Step}/{r.Steps}", Number(r.Loss) }
            .Concat(figureKeys.Select(k => Number(Figure(r, k)))).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows.Prepend(header))
            sb.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        foreach (var r in Runs.Where(r => r.Failure is not null)) sb.AppendLine($"{r.Run.Name} failed: {r.Failure}");
        return sb.ToString();
    }

    /// <summary>
    /// Writes results.csv and results.md: one row per done run; columns name, grid values, step,
    /// final_loss, the evaluation figures, run_dir. Returns the CSV's path.
    /// </summary>
    public string WriteResults()
    {
        var keys = Plan.Spec.Grid.Select(a => a.Key).Concat(Plan.Spec.Seeds.Count > 0 ? ["seed"] : []).ToList();
        var figureKeys = FigureKeys();
        var header = new[] { "name" }.Concat(keys).Concat(["step", "final_loss"]).Concat(figureKeys).Append("run_dir").ToList();
        var rows = Runs.Where(r => r.State == RunState.Done)
            .Select(r => new[] { r.Run.Name }.Concat(r.Run.Values.Select(v => v.Value))
                .Concat([r.Step.ToString(CultureInfo.InvariantCulture), Number(r.Loss)])
                .Concat(figureKeys.Select(k => Number(Figure(r, k)))).Append(r.Run.Dir).ToList())
            .ToList();

        var csv = new StringBuilder();
        foreach (var row in rows.Prepend(header)) csv.AppendLine(string.Join(',', row.Select(Csv.Field)));
        var path = Path.Combine(Plan.Dir, ResultsFile);
        File.WriteAllText(path, csv.ToString());

        var md = new StringBuilder();
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 || i == header.Count - 1 ? " --- |" : " ---: |")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        File.WriteAllText(Path.Combine(Plan.Dir, MarkdownFile), md.ToString());
        return path;
    }

    private List<string> FigureKeys() => Runs.SelectMany(r => r.Figures.Select(f => f.Key)).Distinct().ToList();

    private static double? Figure(SweepRunStatus r, string key)
    {
        foreach (var f in r.Figures) if (f.Key == key) return f.Value;
        return null;
    }
}
