namespace Jepa.Config;

/// <summary>
/// The model's sizes with every number filled in: the preset, overridden field by field by the
/// non-null values of <see cref="ModelConfig"/>. Models are built from this, never from the raw config.
/// </summary>
public sealed record ModelSpec(
    int Dim,
    int Depth,
    int Heads,
    int PredictorDim,
    int PredictorDepth,
    int Level2Depth,
    int StemStride,
    double MlpRatio,
    int Horizon,
    int Chunk,
    int Level2Pool,
    int Level2Horizon,
    bool StemBlur = false,
    int ActionDim = 0);
