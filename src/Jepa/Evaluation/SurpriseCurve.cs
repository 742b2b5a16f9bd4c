namespace Jepa.Evaluation;

/// <summary>
/// Surprise of one clip over time at one level: per frame, the prediction error averaged over the
/// frame's tokens, its max over tokens (a small object's event hides in a frame mean), and the error
/// of the frame's pooled embedding (the mean over tokens of prediction and target, then their distance:
/// a small error of where something is cancels out, something appearing, vanishing or changing does not).
/// NaN where nothing predicted the frame (the first frames have no context).
/// </summary>
public sealed record SurpriseCurve(double[] TokenMean, double[] TokenMax, double[] Pooled)
{
    /// <summary>The statistics reported per clip, by name: token statistic, then time statistic.</summary>
    public static readonly IReadOnlyList<string> Statistics =
        ["token_mean_time_max", "token_mean_time_mean", "token_max_time_max", "token_max_time_mean", "pooled_time_max", "pooled_time_mean"];

    /// <summary>
    /// Per-token surprise of every frame, [frames × tokens] row-major (NaN where unscored), where the
    /// scorer keeps it (the model's level 1); null otherwise.
    /// </summary>
    public float[]? TokenMap { get; init; }

    /// <summary>Tokens per frame of <see cref="TokenMap"/>.</summary>
    public int Tokens { get; init; }

    /// <summary>Frame <paramref name="frame"/>'s token surprise, or null where the frame was not scored or no map is kept.</summary>
    public float[]? TokensAt(int frame) =>
        TokenMap is null || !double.IsFinite(TokenMean[frame]) ? null : TokenMap.AsSpan(frame * Tokens, Tokens).ToArray();

    /// <summary>An empty curve of <paramref name="frames"/> frames.</summary>
    public static SurpriseCurve Empty(int frames) =>
        new(Nan(frames), Nan(frames), Nan(frames));

    /// <summary>One of <see cref="Statistics"/> over the frames that have a value.</summary>
    public double Statistic(string name)
    {
        var values = name.StartsWith("token_mean", StringComparison.Ordinal) ? TokenMean
            : name.StartsWith("token_max", StringComparison.Ordinal) ? TokenMax
            : name.StartsWith("pooled", StringComparison.Ordinal) ? Pooled
            : throw new ArgumentException($"unknown surprise statistic '{name}'", nameof(name));
        var series = values.Where(double.IsFinite).ToArray();
        if (series.Length == 0) return double.NaN;
        return name.EndsWith("time_max", StringComparison.Ordinal) ? series.Max() : series.Average();
    }

    private static double[] Nan(int frames) => Enumerable.Repeat(double.NaN, frames).ToArray();
}
