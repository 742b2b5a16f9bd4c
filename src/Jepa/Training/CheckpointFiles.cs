using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serilog;

namespace Jepa.Training;

/// <summary>The checkpoints/ folder of a run: names, rotation, and the newest checkpoint that is whole.</summary>
public static partial class CheckpointFiles
{
    public const string Latest = "latest.ckpt";

    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoints");

    public static string Numbered(string runDir, long step) => Path.Combine(Folder(runDir), $"step-{step:D6}.ckpt");

    /// <summary>Numbered checkpoints, newest first.</summary>
    public static IReadOnlyList<(long Step, string Path)> ListNumbered(string runDir)
    {
        var folder = Folder(runDir);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "step-*.ckpt")
            .Select(p => (Match: StepName().Match(Path.GetFileName(p)), Path: p))
            .Where(x => x.Match.Success)
            .Select(x => (long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Path))
            .OrderByDescending(x => x.Item1)
            .ToList();
    }

    /// <summary>
    /// The newest checkpoint of the run that reads back whole (latest.ckpt or a numbered one, by step),
    /// warning about each damaged one it passes over; null when there is none.
    /// </summary>
    public static string? NewestValid(string runDir, ILogger log)
    {
        var candidates = new List<(long Step, string Path)>();
        var latest = Path.Combine(Folder(runDir), Latest);
        foreach (var (step, path) in ListNumbered(runDir)) candidates.Add((step, path));
        if (File.Exists(latest))
        {
            // latest.ckpt may be newer than every numbered file (written on interrupt); its header says.
            long step = Checkpoint.IsValid(latest, out _) ? Checkpoint.ReadHeader(latest).Step : long.MaxValue;
            candidates.Add((step, latest));
        }
        foreach (var (_, path) in candidates.OrderByDescending(c => c.Step).ThenBy(c => c.Path == latest ? 0 : 1))
        {
            if (Checkpoint.IsValid(path, out var problem)) return path;
            log.Warning("Skipping damaged checkpoint {Path}: {Problem}", path, problem);
        }
        return null;
    }

    /// <summary>Deletes numbered checkpoints beyond the newest <paramref name="keep"/>.</summary>
    public static void Rotate(string runDir, int keep)
    {
        foreach (var (_, path) in ListNumbered(runDir).Skip(keep)) File.Delete(path);
    }

    /// <summary>On resume at <paramref name="step"/>: drops metrics.jsonl lines of later steps, so the file reads as one run.</summary>
    public static void TrimMetrics(string path, long step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadAllLines(path).Where(line =>
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                return doc.RootElement.TryGetProperty("step", out var s) && s.GetDouble() <= step;
            }
            catch (JsonException)
            {
                return false; // a line cut by a kill mid-write
            }
        }).ToList();
        var tmp = path + ".tmp";
        File.WriteAllLines(tmp, kept);
        File.Move(tmp, path, overwrite: true);
    }

    [GeneratedRegex(@"^step-(\d+)\.ckpt$")]
    private static partial Regex StepName();
}
