namespace Jepa.Evaluation;

/// <summary>
/// Surprise of one clip over time at one level: per frame, the prediction error averaged over the
/// frame's tokens and its max over tokens (a small object's event hides in a frame mean). NaN where
/// nothing predicted the frame (the first frames have no context).
/// </summary>
public sealed record SurpriseCurve(double[] TokenMean, double[] TokenMax)
{
    /// <summary>The statistics reported per clip, by name: token statistic, then time statistic.</summary>
    public static readonly IReadOnlyList<string> Statistics =
        ["token_mean_time_max", "token_mean_time_mean", "token_max_time_max", "token_max_time_mean"];

    /// <summary>An empty curve of <paramref name="frames"/> frames.</summary>
    public static SurpriseCurve Empty(int frames) =>
        new(Enumerable.Repeat(double.NaN, frames).ToArray(), Enumerable.Repeat(double.NaN, frames).ToArray());

    /// <summary>One of <see cref="Statistics"/> over the frames that have a value.</summary>
    public double Statistic(string name)
    {
        var series = (name.StartsWith("token_mean", StringComparison.Ordinal) ? TokenMean : TokenMax).Where(double.IsFinite).ToArray();
        if (series.Length == 0) return double.NaN;
        return name.EndsWith("time_max", StringComparison.Ordinal) ? series.Max() : series.Average();
    }
}
