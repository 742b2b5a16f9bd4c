using System.Text.Json.Serialization;
using Jepa.Evaluation.Pictures;

namespace Jepa.Evaluation;

/// <summary>One level and horizon: the model's error, persistence's error, and their ratio (&lt; 1 is learning).</summary>
public sealed record PredictRow(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("horizon")] int Horizon,
    [property: JsonPropertyName("model_l1")] double ModelL1,
    [property: JsonPropertyName("persistence_l1")] double PersistenceL1,
    [property: JsonPropertyName("ratio")] double Ratio);

/// <summary>
/// Collapse measures of one level's online embeddings: the effective rank (scale-free) and the live
/// directions (principal directions whose std is at least <c>dead_std</c>, <see cref="EmbeddingStats.DeadStd"/>),
/// which also see a cloud shrinking to a point. <c>live_share</c> = live directions / dim.
/// </summary>
public sealed record CollapseRow(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("dim")] int Dim,
    [property: JsonPropertyName("effective_rank")] double EffectiveRank,
    [property: JsonPropertyName("mean_std")] double MeanStd,
    [property: JsonPropertyName("live_directions")] int LiveDirections,
    [property: JsonPropertyName("dead_std")] double DeadStd = EmbeddingStats.DeadStd)
{
    [JsonPropertyName("live_share")]
    public double LiveShare => Dim > 0 ? (double)LiveDirections / Dim : 0;
}

/// <summary>
/// Level 1 of an action-conditioned model, per horizon: the ratio to persistence with each clip's own
/// actions and with another clip's (shuffled across the batch). The model uses its actions when the
/// first is clearly below the second.
/// </summary>
public sealed record ActionRow(
    [property: JsonPropertyName("horizon")] int Horizon,
    [property: JsonPropertyName("ratio_true_actions")] double RatioTrue,
    [property: JsonPropertyName("ratio_shuffled_actions")] double RatioShuffled);

public sealed record ActionSection([property: JsonPropertyName("levels")] IReadOnlyList<ActionRow> Level1);

/// <summary>The predict section: ratio rows, and with the pictures, level-1 retrieval rows and the picture files.</summary>
public sealed record PredictSection(
    [property: JsonPropertyName("levels")] IReadOnlyList<PredictRow> Levels,
    [property: JsonPropertyName("retrieval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RetrievalRow>? Retrieval = null,
    [property: JsonPropertyName("pictures"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReportPicture>? Pictures = null);

public sealed record CollapseSection([property: JsonPropertyName("levels")] IReadOnlyList<CollapseRow> Levels);

/// <summary>The result of eval --task predict; both sections go into eval/report.json.</summary>
public sealed record PredictReport(
    [property: JsonPropertyName("predict")] PredictSection Predict,
    [property: JsonPropertyName("collapse")] CollapseSection Collapse,
    [property: JsonPropertyName("clips")] int Clips,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("predict_actions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ActionSection? Actions = null);
