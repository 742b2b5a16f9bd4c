using System.Text.Json.Serialization;
using Jepa.Evaluation.Pictures;

namespace Jepa.Evaluation;

/// <summary>
/// One level and surprise statistic: relative (pairwise, within group) accuracy and AUROC of the
/// model, beside the same figures for the untrained model of the same architecture and for the
/// pixel frame-difference surprise (which has no level: the same pixel figures appear on both levels).
/// </summary>
public sealed record VoeRow(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("statistic")] string Statistic,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("auroc")] double Auroc,
    [property: JsonPropertyName("untrained_relative_accuracy")] double UntrainedRelativeAccuracy,
    [property: JsonPropertyName("untrained_auroc")] double UntrainedAuroc,
    [property: JsonPropertyName("pixel_relative_accuracy")] double PixelRelativeAccuracy,
    [property: JsonPropertyName("pixel_auroc")] double PixelAuroc);

/// <summary>Surprise over time of one clip (level 1 and 2 token-mean, pixel token-mean), for the plot.</summary>
public sealed record VoeCurve(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("clip")] string Clip,
    [property: JsonPropertyName("plausible")] bool Plausible,
    [property: JsonPropertyName("level1")] double?[] Level1,
    [property: JsonPropertyName("level2")] double?[] Level2);

/// <summary>
/// Relative accuracy over the comparisons whose impossible clips break the physics in one way, for one level and statistic.
/// <see cref="Metric"/>: <c>pairwise</c> (each impossible clip against its group's plausible clip; <see cref="Pairs"/> pairs)
/// or <c>balanced</c> (IntPhys: per balanced group, summed surprise of the impossible clips against that of the possible
/// ones; <see cref="Pairs"/> groups).
/// </summary>
public sealed record VoeEventRow(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("untrained_relative_accuracy")] double UntrainedRelativeAccuracy,
    [property: JsonPropertyName("pixel_relative_accuracy")] double PixelRelativeAccuracy,
    [property: JsonPropertyName("metric")] string Metric = "pairwise");

/// <summary>
/// The level and statistic chosen before the test set was seen (on another voe set, or named by the user),
/// with their figures on the test set: the honest number, where <c>best</c> is picked on the test set itself.
/// </summary>
public sealed record VoeSelected(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("statistic")] string Statistic,
    [property: JsonPropertyName("chosen_on")] string ChosenOn,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("auroc")] double Auroc,
    [property: JsonPropertyName("untrained_relative_accuracy")] double UntrainedRelativeAccuracy,
    [property: JsonPropertyName("pixel_relative_accuracy")] double PixelRelativeAccuracy,
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventRow> ByEvent);

/// <summary>Relative accuracy per event at one level, for one statistic: what that level alone tells apart.</summary>
public sealed record VoeLevelEvents(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("statistic")] string Statistic,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventRow> ByEvent);

/// <summary>A level and surprise statistic fixed in advance, and where it was chosen (for the report).</summary>
public sealed record VoeChoice(int Level, string Statistic, string ChosenOn);

/// <summary>The voe section of report.json.</summary>
public sealed record VoeSection(
    [property: JsonPropertyName("levels")] IReadOnlyList<VoeRow> Levels,
    [property: JsonPropertyName("best")] VoeRow Best,
    [property: JsonPropertyName("groups")] int Groups,
    [property: JsonPropertyName("clips")] int Clips,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("curves")] IReadOnlyList<VoeCurve> Curves,
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventRow> ByEvent,
    [property: JsonPropertyName("selected"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VoeSelected? Selected = null,
    [property: JsonPropertyName("localisation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LocalisationRow>? Localisation = null,
    [property: JsonPropertyName("pictures"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReportPicture>? Pictures = null,
    [property: JsonPropertyName("by_level"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<VoeLevelEvents>? ByLevel = null,
    [property: JsonPropertyName("surprise_horizons")] int SurpriseHorizons = 1);

/// <summary>The result of eval --task voe: <c>{"voe": …}</c> in report.json.</summary>
public sealed record VoeReport([property: JsonPropertyName("voe")] VoeSection Voe);
