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
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventRow> ByEvent,
    [property: JsonPropertyName("per_event"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VoePerEvent? PerEvent = null);

/// <summary>
/// A level and statistic chosen per event on the selection set, by the model's margin over its untrained twin on that
/// event (as IntPhys reports each block of its test apart):
/// a diagnostic: measured noisier than the single selected row (each event has few comparisons on the selection set).
/// <see cref="RelativeAccuracy"/> is over all the test set's comparisons, each event scored by its own choice.
/// </summary>
public sealed record VoePerEvent(
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("untrained_relative_accuracy")] double UntrainedRelativeAccuracy,
    [property: JsonPropertyName("pixel_relative_accuracy")] double PixelRelativeAccuracy,
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventPickRow> ByEvent);

/// <summary>One event's row of <see cref="VoePerEvent"/>: its level and statistic, their accuracy on the selection set, and on the test set.</summary>
public sealed record VoeEventPickRow(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("statistic")] string Statistic,
    [property: JsonPropertyName("on_selection_set")] double OnSelectionSet,
    [property: JsonPropertyName("untrained_on_selection_set")] double UntrainedOnSelectionSet,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("untrained_relative_accuracy")] double UntrainedRelativeAccuracy,
    [property: JsonPropertyName("pixel_relative_accuracy")] double PixelRelativeAccuracy,
    [property: JsonPropertyName("metric")] string Metric);

/// <summary>An event's level and statistic chosen on the selection set, with its accuracy there (the model's and the untrained model's).</summary>
public sealed record VoeEventPick(string Event, int Level, string Statistic, double OnSelectionSet, double UntrainedOnSelectionSet);

/// <summary>Relative accuracy per event at one level, for one statistic: what that level alone tells apart.</summary>
public sealed record VoeLevelEvents(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("statistic")] string Statistic,
    [property: JsonPropertyName("relative_accuracy")] double RelativeAccuracy,
    [property: JsonPropertyName("by_event")] IReadOnlyList<VoeEventRow> ByEvent);

/// <summary>A level and surprise statistic fixed in advance, and where it was chosen (for the report); with --select-on also one per event.</summary>
public sealed record VoeChoice(int Level, string Statistic, string ChosenOn, IReadOnlyList<VoeEventPick>? PerEvent = null);

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
    [property: JsonPropertyName("surprise_horizons")] int SurpriseHorizons = 1)
{
    /// <summary>Every level and statistic's per-event rows (the choice of a level per event reads them on the selection set); not written.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<(int Level, string Statistic), IReadOnlyList<VoeEventRow>> EventsByRow { get; init; } =
        new Dictionary<(int, string), IReadOnlyList<VoeEventRow>>();

    /// <summary>The row a selection set chooses (<see cref="VoeEvaluator.SelectionOrder"/>): the largest margin over the untrained model.</summary>
    public VoeRow Chosen() => VoeEvaluator.SelectionOrder(Levels).First();

    /// <summary>
    /// Per event, the level and statistic by which the model beats its untrained twin on that event the most here (as
    /// <see cref="Chosen"/> does overall); ties go to the row ranked higher overall (the overall choice first), so an
    /// event leaves the overall row only for a strictly larger margin.
    /// </summary>
    public IReadOnlyList<VoeEventPick> PickPerEvent()
    {
        var order = VoeEvaluator.SelectionOrder(Levels).ToList();
        return ByEvent.Select(e =>
        {
            VoeEventRow Of(VoeRow r) => EventsByRow[(r.Level, r.Statistic)].Single(x => x.Event == e.Event);
            var row = order.MaxBy(r => VoeEvaluator.Margin(Of(r).RelativeAccuracy, Of(r).UntrainedRelativeAccuracy))!;
            return new VoeEventPick(e.Event, row.Level, row.Statistic, Of(row).RelativeAccuracy, Of(row).UntrainedRelativeAccuracy);
        }).ToList();
    }
}

/// <summary>The result of eval --task voe: <c>{"voe": …}</c> in report.json.</summary>
public sealed record VoeReport([property: JsonPropertyName("voe")] VoeSection Voe);
