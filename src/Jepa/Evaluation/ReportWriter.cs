using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jepa.Evaluation;

/// <summary>Writes eval/report.json, keeping the sections other tasks wrote there, and a console table.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Merges the report's top-level keys into <paramref name="path"/> (created if absent) and returns the path.</summary>
    public static string Merge<T>(string path, T section)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        JsonObject root = new();
        if (File.Exists(path))
        {
            try
            {
                root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                root = new JsonObject(); // A damaged report is rewritten, never merged into.
            }
        }
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

    /// <summary>The predict and collapse sections as a plain-text table.</summary>
    public static string Table(PredictReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Prediction vs persistence on {report.Clips} held-out clips (step {report.Step}); ratio < 1 means the model knows more than 'nothing moves':");
        sb.AppendLine("  level  horizon   model_l1  persistence_l1   ratio");
        foreach (var r in report.Predict.Levels)
            sb.AppendLine(c, $"  {r.Level,5}  {r.Horizon,7}  {r.ModelL1,9:F4}  {r.PersistenceL1,14:F4}  {r.Ratio,6:F3}");
        sb.AppendLine("Collapse monitor (online embeddings):");
        sb.AppendLine("  level    dim  effective_rank  share_of_dim  mean_std");
        foreach (var r in report.Collapse.Levels)
            sb.AppendLine(c, $"  {r.Level,5}  {r.Dim,5}  {r.EffectiveRank,14:F1}  {r.EffectiveRank / r.Dim,12:P0}  {r.MeanStd,8:F3}");
        return sb.ToString();
    }
}
