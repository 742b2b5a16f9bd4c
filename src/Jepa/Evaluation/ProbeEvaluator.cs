using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Jepa.Models;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>One probe's test accuracy beside the same probe on the randomly initialised model.</summary>
public sealed record ProbeRow(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("features")] string Features,
    [property: JsonPropertyName("probe")] string Probe,
    [property: JsonPropertyName("accuracy")] double Accuracy,
    [property: JsonPropertyName("random_encoder_accuracy")] double RandomEncoderAccuracy,
    [property: JsonPropertyName("chance")] double Chance);

/// <summary>The probe section of report.json.</summary>
public sealed record ProbeSection(
    [property: JsonPropertyName("labels")] IReadOnlyList<ProbeRow> Labels,
    [property: JsonPropertyName("train_clips")] int TrainClips,
    [property: JsonPropertyName("test_clips")] int TestClips);

/// <summary>The result of eval --task probe: <c>{"probe": …}</c> in report.json.</summary>
public sealed record ProbeReport([property: JsonPropertyName("probe")] ProbeSection Probe);

/// <summary>Linear and attentive probes on frozen features of each level, for each label, against a random model.</summary>
public static class ProbeEvaluator
{
    /// <summary>Fits every probe on the trained and on the random model's features of <paramref name="set"/>.</summary>
    /// <param name="progress">told of the features' clips (stage <c>features</c>), then of the probes fitted (<c>probes</c>); null for none</param>
    public static ProbeReport Evaluate(HJepa model, HJepa random, ProbeSet set, int batchSize, int seed, Device device,
        IProgress<WorkProgress>? progress = null)
    {
        var features = new StageCounter(progress, "features", 2 * set.Clips.Count, "clips");
        var trained = ProbeFeatures.Extract(model, set.Clips, batchSize, device, features);
        var baseline = ProbeFeatures.Extract(random, set.Clips, batchSize, device, features);
        // Per label, level and feature kind: a linear and an attentive probe, each on both models.
        var fitted = new StageCounter(progress, "probes", set.Labels.Count * 2 * ProbeFeatures.Kinds.Count * 4, "probes");
        var rows = new List<ProbeRow>();
        foreach (var label in set.Labels)
        {
            var testTargets = label.Targets.Where((_, i) => !set.IsTrain[i]).ToArray();
            // Chance: always answering the most common class of the training clips.
            int majority = label.Targets.Where((_, i) => set.IsTrain[i]).GroupBy(t => t).OrderByDescending(g => g.Count()).First().Key;
            double chance = testTargets.Count(t => t == majority) / (double)Math.Max(1, testTargets.Length);
            for (int l = 0; l < 2; l++)
                for (int f = 0; f < ProbeFeatures.Kinds.Count; f++)
                {
                    int classes = label.Classes.Count;
                    rows.Add(new ProbeRow(label.Name, l + 1, ProbeFeatures.Kinds[f], "linear",
                        Probes.Linear(trained[l][f], label.Targets, set.IsTrain, classes, seed),
                        Probes.Linear(baseline[l][f], label.Targets, set.IsTrain, classes, seed), chance));
                    fitted.Add(2);
                    rows.Add(new ProbeRow(label.Name, l + 1, ProbeFeatures.Kinds[f], "attentive",
                        Probes.Attentive(trained[l][f], label.Targets, set.IsTrain, classes, seed),
                        Probes.Attentive(baseline[l][f], label.Targets, set.IsTrain, classes, seed), chance));
                    fitted.Add(2);
                }
        }
        foreach (var t in trained.Concat(baseline).SelectMany(x => x)) t.Dispose();
        int train = set.IsTrain.Count(x => x);
        return new ProbeReport(new ProbeSection(rows, train, set.IsTrain.Length - train));
    }

    /// <summary>The probe section as a plain-text table.</summary>
    public static string Table(ProbeSection probe)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Frozen-feature probes ({probe.TrainClips} training clips, {probe.TestClips} test clips); test accuracy, trained vs random model:");
        sb.AppendLine("  label         level  features  probe       trained  random  chance");
        foreach (var r in probe.Labels)
            sb.AppendLine(c, $"  {r.Label,-12}  {r.Level,5}  {r.Features,-8}  {r.Probe,-9}  {r.Accuracy,8:F3}  {r.RandomEncoderAccuracy,6:F3}  {r.Chance,6:F3}");
        return sb.ToString();
    }
}
