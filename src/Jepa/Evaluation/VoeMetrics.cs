namespace Jepa.Evaluation;

/// <summary>How well a surprise score tells impossible clips from possible ones.</summary>
public static class VoeMetrics
{
    /// <summary>
    /// Share of comparisons within a group won by the impossible side; a tie counts half. A pairwise group
    /// compares every (plausible, impossible) pair of its clips; a balanced group (<see cref="VoeClip.Balanced"/>,
    /// IntPhys's relative accuracy) makes one comparison: the summed surprise of its impossible clips against the
    /// summed surprise of its possible ones. Comparisons never cross groups: only clips sharing a start are compared.
    /// </summary>
    public static double RelativeAccuracy(IReadOnlyList<VoeClip> clips, IReadOnlyList<double> surprise)
    {
        double wins = 0;
        long comparisons = 0;
        foreach (var group in Enumerable.Range(0, clips.Count).GroupBy(i => clips[i].Group))
        {
            var possible = group.Where(i => clips[i].Plausible).ToArray();
            var impossible = group.Where(i => !clips[i].Plausible).ToArray();
            if (clips[group.First()].Balanced)
            {
                if (possible.Length == 0 || impossible.Length == 0) continue;
                wins += Compare(impossible.Sum(i => surprise[i]), possible.Sum(i => surprise[i]));
                comparisons++;
                continue;
            }
            foreach (int q in impossible)
                foreach (int p in possible)
                {
                    wins += Compare(surprise[q], surprise[p]);
                    comparisons++;
                }
        }
        return comparisons == 0 ? double.NaN : wins / comparisons;
    }

    /// <summary>
    /// Number of comparisons <see cref="RelativeAccuracy"/> averages over: (plausible, impossible) pairs within
    /// pairwise groups, plus one per balanced group that has both kinds of clip.
    /// </summary>
    public static int Pairs(IEnumerable<VoeClip> clips) =>
        clips.GroupBy(c => c.Group).Sum(g => g.First().Balanced
            ? (g.Any(c => c.Plausible) && g.Any(c => !c.Plausible) ? 1 : 0)
            : g.Count(c => c.Plausible) * g.Count(c => !c.Plausible));

    /// <summary>
    /// The statistic a balanced group is scored with for row <paramref name="statistic"/>: its time mean (the same
    /// reduction over tokens). The two halves of a balanced set's impossible clips are the halves of its possible
    /// ones, so only a score that adds up over frames is balanced: with the time max, an impossible clip that is
    /// half of each possible one gets the larger half's peak twice (measured: a vanish-behind quadruplet scored
    /// 1.00 by the pixels and the untrained model alike), with the time mean a model that does not know the
    /// object is there scores one half.
    /// </summary>
    public static string BalancedStatistic(string statistic) =>
        statistic.EndsWith("_time_max", StringComparison.Ordinal) ? statistic[..^"_time_max".Length] + "_time_mean" : statistic;

    /// <summary>How a set of clips is scored: <c>pairwise</c>, <c>balanced</c> (IntPhys, summed surprise per group) or <c>mixed</c>.</summary>
    public static string Metric(IEnumerable<VoeClip> clips)
    {
        var kinds = clips.Select(c => c.Balanced).Distinct().ToList();
        return kinds.Count > 1 ? "mixed" : kinds.Count == 1 && kinds[0] ? "balanced" : "pairwise";
    }

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
