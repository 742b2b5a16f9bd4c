namespace Jepa.Evaluation;

/// <summary>How well a surprise score tells impossible clips from possible ones.</summary>
public static class VoeMetrics
{
    /// <summary>
    /// Share of (plausible, impossible) pairs within a group in which the impossible clip is more
    /// surprising; a tie counts half. Pairs never cross groups: only clips sharing a start are compared.
    /// </summary>
    public static double RelativeAccuracy(IReadOnlyList<VoeClip> clips, IReadOnlyList<double> surprise)
    {
        double wins = 0;
        long pairs = 0;
        foreach (var group in Enumerable.Range(0, clips.Count).GroupBy(i => clips[i].Group))
        {
            var possible = group.Where(i => clips[i].Plausible).ToArray();
            foreach (int q in group.Where(i => !clips[i].Plausible))
                foreach (int p in possible)
                {
                    wins += Compare(surprise[q], surprise[p]);
                    pairs++;
                }
        }
        return pairs == 0 ? double.NaN : wins / pairs;
    }

    /// <summary>Number of (plausible, impossible) pairs within groups: what <see cref="RelativeAccuracy"/> averages over.</summary>
    public static int Pairs(IEnumerable<VoeClip> clips) =>
        clips.GroupBy(c => c.Group).Sum(g => g.Count(c => c.Plausible) * g.Count(c => !c.Plausible));

    /// <summary>Area under the ROC curve of surprise as a detector of impossible clips, over all clips (Mann–Whitney, ties half).</summary>
    public static double Auroc(IReadOnlyList<VoeClip> clips, IReadOnlyList<double> surprise)
    {
        var pos = Enumerable.Range(0, clips.Count).Where(i => !clips[i].Plausible).Select(i => surprise[i]).ToArray();
        var neg = Enumerable.Range(0, clips.Count).Where(i => clips[i].Plausible).Select(i => surprise[i]).ToArray();
        if (pos.Length == 0 || neg.Length == 0) return double.NaN;
        double wins = 0;
        foreach (var q in pos)
            foreach (var p in neg)
                wins += Compare(q, p);
        return wins / ((double)pos.Length * neg.Length);
    }

    private static double Compare(double impossible, double possible) =>
        impossible > possible ? 1 : impossible == possible ? 0.5 : 0;
}
