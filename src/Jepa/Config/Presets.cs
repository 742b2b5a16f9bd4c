namespace Jepa.Config;

/// <summary>Model size presets, as plain code (STYLE #3): tiny for CPU runs, small to large for GPUs.</summary>
public static class Presets
{
    /// <summary>The preset names, in size order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "base", "large"];

    /// <summary>The preset named by <see cref="ModelConfig.Preset"/>, overridden by every non-null field.</summary>
    /// <exception cref="UsageException">The preset is not one of <see cref="Names"/>.</exception>
    public static ModelSpec Resolve(ModelConfig m)
    {
        // (dim, depth, heads, predictor_dim, predictor_depth, level2_depth, stem_stride)
        // All take the stride-16 stem of ViT/V-JEPA (224 px → 14×14 tokens). tiny at 64 px makes 4×4
        // tokens: measured here, 2.7× the clips/s of stride 8 (95 against 35 on 2 cores), and in the
        // quickstart's 3 minutes that buys more than the finer grid. Every width divides by its heads:
        // base's predictor is 288 = 6 heads × 48 (256 would not split into 6 heads).
        var (dim, depth, heads, pdim, pdepth, l2depth, stride) = m.Preset switch
        {
            "tiny" => (96, 2, 4, 96, 2, 1, 16),
            "small" => (192, 4, 6, 192, 4, 2, 16),
            "base" => (384, 8, 6, 288, 6, 3, 16),
            "large" => (768, 12, 12, 384, 8, 4, 16),
            _ => throw new UsageException(
                $"'model.preset' is '{m.Preset}', which is not a preset; use one of {string.Join(", ", Names)}."),
        };
        return new ModelSpec(
            Dim: m.Dim ?? dim,
            Depth: m.Depth ?? depth,
            Heads: m.Heads ?? heads,
            PredictorDim: m.PredictorDim ?? pdim,
            PredictorDepth: m.PredictorDepth ?? pdepth,
            Level2Depth: m.Level2Depth ?? l2depth,
            StemStride: m.StemStride ?? stride,
            MlpRatio: m.MlpRatio,
            Horizon: m.Horizon,
            Chunk: m.Chunk,
            Level2Pool: m.Level2Pool,
            Level2Horizon: m.Level2Horizon,
            StemBlur: m.StemBlur,
            ActionDim: m.ActionDim);
    }

    /// <summary>
    /// The config with every null model size filled in from the preset, so that the config written
    /// to a run directory says exactly what was built even if a preset changes later.
    /// </summary>
    public static JepaConfig WithResolvedModel(JepaConfig c)
    {
        var s = Resolve(c.Model);
        return c with
        {
            Model = c.Model with
            {
                Dim = s.Dim,
                Depth = s.Depth,
                Heads = s.Heads,
                PredictorDim = s.PredictorDim,
                PredictorDepth = s.PredictorDepth,
                Level2Depth = s.Level2Depth,
                StemStride = s.StemStride,
            },
        };
    }
}
