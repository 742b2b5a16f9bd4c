using Jepa.Config;
using Jepa.Video;

namespace Jepa.Evaluation;

/// <summary>One label column of a probe set: its classes and each clip's class index.</summary>
public sealed record ProbeLabel(string Name, IReadOnlyList<string> Classes, int[] Targets);

/// <summary>
/// Labelled clips for frozen-feature probes: the first clip (the model's frame count at its fps) of
/// every labelled video, a deterministic 70/30 train/test split of the videos, and the label columns.
/// </summary>
public sealed record ProbeSet(IReadOnlyList<DecodedFrames> Clips, bool[] IsTrain, IReadOnlyList<ProbeLabel> Labels)
{
    // A column with more distinct values than this is an identifier or a measurement, not a class label.
    private const int MaxClasses = 20;

    /// <summary>
    /// Reads <paramref name="spec"/> (a manifest with label columns, or a folder per class). Label
    /// columns: <paramref name="labels"/> when given, else <c>label</c> and every other column with
    /// 2..20 distinct values.
    /// </summary>
    /// <param name="progress">told of every decoded video (stage <c>decode</c>); null for none</param>
    public static async Task<ProbeSet> LoadAsync(string spec, IReadOnlyList<string>? labels, int frames, double fps, int size, int seed, CancellationToken ct,
        IProgress<WorkProgress>? progress = null)
    {
        var entries = VideoList.Resolve(spec);
        string? Value(VideoEntry e, string column) => column == "label" ? e.Label : e.Columns.GetValueOrDefault(column);
        var candidates = new[] { "label" }.Concat(entries.SelectMany(e => e.Columns.Keys).Distinct()).ToList();
        var chosen = labels ?? candidates.Where(c =>
            entries.All(e => !string.IsNullOrEmpty(Value(e, c))) && entries.Select(e => Value(e, c)).Distinct().Count() is >= 2 and <= MaxClasses).ToList();
        foreach (var c in chosen)
            if (!candidates.Contains(c) || entries.Any(e => string.IsNullOrEmpty(Value(e, c))))
                throw new UsageException($"--labels: '{c}' is not a column every video of '{spec}' has (columns: {string.Join(", ", candidates)}).");
        if (chosen.Count == 0)
            throw new UsageException($"'{spec}' has no label column (a label column, or columns with 2 to {MaxClasses} distinct values); give a manifest with labels or a folder per class.");

        var clips = new DecodedFrames?[entries.Count];
        var counter = new StageCounter(progress, "decode", entries.Count, "videos");
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            async (i, token) =>
            {
                try
                {
                    var d = await FrameDecoder.DecodeAsync(entries[i].Path, 0, frames, fps, size, token);
                    if (d.Count == frames) clips[i] = d;
                }
                catch (VideoException)
                {
                    // An unreadable video is left out like a short one; the count is checked below.
                }
                counter.Add();
            });
        var usable = Enumerable.Range(0, entries.Count).Where(i => clips[i] is not null).ToArray();
        if (usable.Length < 10)
            throw new UsageException($"only {usable.Length} videos of '{spec}' give a clip of {frames} frames at {fps} fps; probes need at least 10.");

        // Split by a seeded hash of the position: the same videos are held out on every run.
        var isTrain = usable.Select(i => Data.ClipSampler.Mix((ulong)seed * 31 + (ulong)i) % 10 < 7).ToArray();
        var probeLabels = chosen.Select(c =>
        {
            var values = usable.Select(i => Value(entries[i], c)!).ToArray();
            var classes = values.Distinct().Order(StringComparer.Ordinal).ToList();
            return new ProbeLabel(c, classes, values.Select(v => classes.IndexOf(v)).ToArray());
        }).ToList();
        return new ProbeSet(usable.Select(i => clips[i]!).ToArray(), isTrain, probeLabels);
    }
}
