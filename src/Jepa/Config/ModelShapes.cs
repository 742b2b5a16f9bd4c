namespace Jepa.Config;

/// <summary>
/// The layer widths a <see cref="ModelSpec"/> implies, as plain arithmetic: the model builds its layers
/// from these and <see cref="ConfigValidator"/> checks them, so the checks cannot drift from the model.
/// </summary>
public static class ModelShapes
{
    /// <summary>
    /// Output channels of each stride-2 stage of the conv stem (log2(stride) stages): doubling each
    /// stage to reach <paramref name="dim"/> at the last, never under 16 (dim/4 → dim/2 → dim for three).
    /// </summary>
    public static int[] StemWidths(int dim, int stride)
    {
        var stages = int.Log2(stride);
        return Enumerable.Range(0, stages).Select(s => StemWidth(dim, stages, s)).ToArray();
    }

    /// <summary>Output channels of stage <paramref name="stage"/> of a stem of <paramref name="stages"/> stages.</summary>
    public static int StemWidth(int dim, int stages, int stage) => Math.Max(16, dim >> (stages - 1 - stage));

    /// <summary>GroupNorm groups of a stem stage: 8, or fewer below 32 channels so each group keeps at least 4.</summary>
    public static int StemGroups(int width) => Math.Min(8, width / 4);

    /// <summary>Hidden width of a transformer block's MLP: <paramref name="width"/> × <paramref name="ratio"/>, rounded.</summary>
    /// <remarks>A double, so that a ratio far too large shows as such instead of wrapping round an int.</remarks>
    public static double MlpHidden(int width, double ratio) => Math.Round(width * ratio);
}
