using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jepa.Config;

namespace Jepa.Evaluation;

/// <summary>
/// Writes eval/report.json, keeping the sections other tasks wrote there for the same checkpoint,
/// and a console table. The report names its checkpoint, and takes sections from no other.
/// </summary>
public static class ReportWriter
{
    /// <summary>Indented, with quotes, apostrophes and non-ASCII in paths and labels left readable (not \u escapes).</summary>
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What an eval writes into its folder; <c>--overwrite</c> removes these and nothing else.</summary>
    public static IReadOnlyList<string> Written =>
        ["report.json", "report.html", "voe_surprise.csv", .. ReportHtml.PlotNames.Select(n => n + ".png"), .. Pictures.PictureFiles.All, .. PlanHtml.Written];

    /// <summary>
    /// Before any work: with <paramref name="overwrite"/>, removes <see cref="Written"/> from
    /// <paramref name="outDir"/> so the report starts afresh; without, checks that a report already
    /// there is of <paramref name="checkpoint"/> (then the new sections join it).
    /// </summary>
    public static void Prepare(string outDir, ReportCheckpoint checkpoint, bool overwrite)
    {
        if (overwrite)
        {
            if (!Directory.Exists(outDir)) return; // nothing to remove; the first section creates it
            foreach (var name in Written)
                File.Delete(Path.Combine(outDir, name));
            return;
        }
        CheckTarget(Path.Combine(outDir, "report.json"), checkpoint);
    }

    /// <summary>Throws <see cref="UsageException"/> unless the report at <paramref name="path"/> is absent or of <paramref name="checkpoint"/>.</summary>
    public static void CheckTarget(string path, ReportCheckpoint checkpoint)
    {
        if (!File.Exists(path))
            return;
        const string Choices = "pass --overwrite to start a fresh report there, or --out another folder";
        var root = Read(path)
            ?? throw new UsageException($"{path} is not a report jepa eval can read, and eval will not replace it unasked; {Choices}.");
        ReportCheckpoint? recorded;
        try
        {
            recorded = root["checkpoint"]?.Deserialize<ReportCheckpoint>(Options);
        }
        catch (JsonException)
        {
            recorded = null;
        }
        if (recorded?.Sha256 is null)
            throw new UsageException($"{path} does not say which checkpoint it describes (an earlier jepa wrote it), so this checkpoint's results cannot join it; {Choices}.");
        if (!recorded.SameAs(checkpoint))
            throw new UsageException($"{path} is the report of {recorded.Path} (step {recorded.Step}), not of {checkpoint.Path} (step {checkpoint.Step}); {Choices}.");
    }

    /// <summary>
    /// Merges the section's top-level keys into <paramref name="path"/> (created if absent) with the
    /// checkpoint's identity and step, and returns the path. A report of another checkpoint is refused.
    /// </summary>
    public static string Merge<T>(string path, T section, ReportCheckpoint checkpoint)
    {
        CheckTarget(path, checkpoint);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var root = Read(path) ?? new JsonObject();
        root["checkpoint"] = JsonSerializer.SerializeToNode(checkpoint, Options);
        root["step"] = checkpoint.Step;
        var fresh = JsonSerializer.SerializeToNode(section, Options)!.AsObject();
        foreach (var (key, value) in fresh.ToList())
        {
            fresh.Remove(key);
            root[key] = value;
        }
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, root.ToJsonString(Options));
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    // The report's object, or null when the file is absent or not a JSON object.
    private static JsonObject? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The predict and collapse sections as a plain-text table.</summary>
    public static string Table(PredictReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Prediction vs persistence on {report.Clips} held-out clips (step {report.Step}); ratio < 1 means the model knows more than 'nothing moves':");
        sb.AppendLine("  level  horizon   model_l1  persistence_l1   ratio");
        foreach (var r in report.Predict.Levels)
            sb.AppendLine(c, $"  {r.Level,5}  {r.Horizon,7}  {r.ModelL1,9:F4}  {r.PersistenceL1,14:F4}  {r.Ratio,6:F3}");
        if (report.Actions is { } actions)
        {
            sb.AppendLine("Level 1 with the clips' own actions against another clip's (the model uses its actions when true < shuffled):");
            sb.AppendLine("  horizon  ratio_true  ratio_shuffled");
            foreach (var r in actions.Level1)
                sb.AppendLine(c, $"  {r.Horizon,7}  {r.RatioTrue,10:F3}  {r.RatioShuffled,14:F3}");
        }
        sb.AppendLine("Collapse monitor (online embeddings):");
        sb.AppendLine(c, $"  level    dim  effective_rank  share_of_dim  mean_std  live_directions (std >= {EmbeddingStats.DeadStd})");
        foreach (var r in report.Collapse.Levels)
            sb.AppendLine(c, $"  {r.Level,5}  {r.Dim,5}  {r.EffectiveRank,14:F1}  {r.EffectiveRank / r.Dim,12:P0}  {r.MeanStd,8:F3}  {r.LiveDirections,6} ({r.LiveShare:P0})");
        return sb.ToString();
    }
}
