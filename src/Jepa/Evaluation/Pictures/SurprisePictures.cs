using System.Globalization;
using System.Text.Json.Serialization;
using Jepa.Video;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// Does the surprise sit where the physics broke? Over every impossible clip: of the scored frames from
/// the event on (up to two after it), the token of highest level-1 surprise, and whether the twins'
/// pixels differ there (the place the object vanished, jumped or passed the wall). Chance is the share
/// of tokens where they differ.
/// </summary>
public sealed record LocalisationRow(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("clips")] int Clips,
    [property: JsonPropertyName("hit_rate")] double HitRate,
    [property: JsonPropertyName("chance")] double Chance);

/// <summary>
/// The voe task's pictures: for one group per kind of event, the per-token level-1 surprise painted over
/// every frame of the plausible clip and of its impossible twin, the event frame outlined; the same as an
/// animation; and how often the surprise peaks where the twins differ.
/// </summary>
public static class SurprisePictures
{
    // A patch whose pixels differ by more than this (mean absolute difference, 0..1) between the twins has seen the event.
    private const double Differs = 0.02;

    // Frames after the event frame still searched for the peak (a vanished object is missed a frame later too).
    private const int After = 2;

    private static readonly (byte, byte, byte) EventOutline = (0, 200, 255);

    /// <summary>First frame where the two videos' pixels differ in some patch of the <paramref name="grid"/>; null when they never do.</summary>
    public static int? EventFrame(DecodedFrames plausible, DecodedFrames impossible, int grid)
    {
        for (int f = 0; f < Math.Min(plausible.Count, impossible.Count); f++)
            if (PatchDifference(plausible, impossible, f, grid).Max() > Differs) return f;
        return null;
    }

    /// <summary>Mean absolute pixel difference (0..1) of frame <paramref name="f"/> of the two videos, per patch of the token grid.</summary>
    public static double[] PatchDifference(DecodedFrames a, DecodedFrames b, int f, int grid)
    {
        var fa = a.Frame(f);
        var fb = b.Frame(f);
        int size = a.Size;
        var sums = new double[grid * grid];
        var counts = new int[grid * grid];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int k = (y * size + x) * 3, p = Math.Min(grid - 1, y * grid / size) * grid + Math.Min(grid - 1, x * grid / size);
                sums[p] += (Math.Abs(fa[k] - fb[k]) + Math.Abs(fa[k + 1] - fb[k + 1]) + Math.Abs(fa[k + 2] - fb[k + 2])) / (3 * 255.0);
                counts[p]++;
            }
        return sums.Select((s, i) => s / Math.Max(1, counts[i])).ToArray();
    }

    /// <summary>The localisation rows (per event, then "all"), over every impossible clip whose group has a plausible clip.</summary>
    /// <param name="curves">the trained model's level-1 curves, with token maps, one per clip</param>
    public static List<LocalisationRow> Localise(IReadOnlyList<VoeClip> clips, IReadOnlyList<DecodedFrames> videos, IReadOnlyList<SurpriseCurve> curves, int grid)
    {
        var results = new List<(string Event, bool Hit, double Chance)>();
        foreach (var (i, twin) in Pairs(clips, videos, grid))
        {
            if (EventFrame(videos[twin], videos[i], grid) is not { } e) continue;
            float best = float.NegativeInfinity;
            int bestFrame = -1, bestToken = -1;
            for (int f = e; f <= Math.Min(e + After, videos[i].Count - 1); f++)
                if (curves[i].TokensAt(f) is { } map)
                    for (int n = 0; n < map.Length; n++)
                        if (map[n] > best) (best, bestFrame, bestToken) = (map[n], f, n);
            if (bestFrame < 0) continue;
            var diff = PatchDifference(videos[twin], videos[i], bestFrame, grid);
            results.Add((clips[i].Event ?? "impossible", diff[bestToken] > Differs, diff.Count(d => d > Differs) / (double)diff.Length));
        }
        var rows = results.GroupBy(r => r.Event)
            .Select(g => new LocalisationRow(g.Key, g.Count(), g.Average(r => r.Hit ? 1.0 : 0), g.Average(r => r.Chance))).ToList();
        if (rows.Count > 1 && results.Count > 0)
            rows.Add(new LocalisationRow("all", results.Count, results.Average(r => r.Hit ? 1.0 : 0), results.Average(r => r.Chance)));
        return rows;
    }

    // Columns of the surprise-map sheet, and how many of them come before the earliest event frame.
    private const int SheetFrames = 8;
    private const int BeforeEvent = 2;

    /// <summary>Writes the surprise-map sheet and animation into <paramref name="dir"/>; returns them as the report lists them.</summary>
    public static List<ReportPicture> Write(string dir, IReadOnlyList<VoeClip> clips, IReadOnlyList<DecodedFrames> videos, IReadOnlyList<SurpriseCurve> curves, int grid, double fps)
    {
        Directory.CreateDirectory(dir);
        // One group per kind of event, the first that has it.
        var shown = Pairs(clips, videos, grid).GroupBy(p => clips[p.Impossible].Event ?? "impossible").Select(g => g.First()).ToList();
        if (shown.Count == 0) return [];
        int frames = shown.Max(p => Math.Max(videos[p.Impossible].Count, videos[p.Plausible].Count));
        // The sheet shows SheetFrames frames, from a little before the earliest event on: a page is too narrow
        // for every frame of a long clip, and the frames before the event are alike in both twins.
        var events = shown.Select(p => EventFrame(videos[p.Plausible], videos[p.Impossible], grid)).OfType<int>().ToList();
        int first = events.Count == 0 ? 0 : Math.Clamp(events.Min() - BeforeEvent, 0, Math.Max(0, frames - SheetFrames));
        int columns = Math.Min(SheetFrames, frames - first);
        var sheet = new PictureSheet(Enumerable.Range(first, columns).Select(f => $"frame {f}").ToArray(), labelWidth: 170);
        var animationRows = new List<RgbImage[]>();
        foreach (var (i, twin) in shown)
        {
            var maps = new[] { twin, i }.SelectMany(c => Enumerable.Range(0, videos[c].Count).Select(f => curves[c].TokensAt(f))).Where(m => m is not null).SelectMany(m => m!).ToArray();
            double lo = maps.Length > 0 ? Percentile(maps, 0.05) : 0, hi = maps.Length > 0 ? maps.Max() : 1;
            int? e = EventFrame(videos[twin], videos[i], grid);
            RgbImage[] Painted(int c) => Enumerable.Range(0, videos[c].Count).Select(f =>
            {
                var picture = Heat.Overlay(RgbImage.Frame(videos[c], f), curves[c].TokensAt(f), grid, lo, hi);
                return f == e ? picture.Framed(EventOutline, 2) : picture;
            }).ToArray();
            var plausible = Painted(twin);
            var impossible = Painted(i);
            string name = clips[i].Event ?? "impossible";
            RgbImage?[] Shown(RgbImage[] row) => Enumerable.Range(first, columns).Select(f => f < row.Length ? row[f] : null).ToArray();
            sheet.AddRow($"group {clips[i].Group} plausible", Shown(plausible), gapAbove: sheet.Rows > 0);
            sheet.AddRow(e is { } ev ? $"{name} (event: frame {ev})" : name, Shown(impossible));
            animationRows.Add(Enumerable.Range(0, frames).Select(f => Animation.Row([
                f < plausible.Length ? plausible[f] : plausible[^1],
                f < impossible.Length ? impossible[f] : impossible[^1]], gap: 2)).ToArray());
        }
        File.WriteAllBytes(Path.Combine(dir, PictureFiles.SurpriseMaps), sheet.ToPng());
        var animation = Enumerable.Range(0, frames).Select(f => Animation.Column(animationRows.Select(r => r[f]).ToArray(), gap: 2)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, PictureFiles.SurpriseAnimation), Animation.Apng(animation, Math.Max(2, fps / 2)));
        return
        [
            new ReportPicture("surprise_maps", PictureFiles.SurpriseMaps, "Surprise maps",
                $"For one group per kind of event, frames {first} to {first + columns - 1} of the plausible clip and of its impossible twin " +
                "(from a little before the earliest event; the animation below has every frame) with each token's level-1 surprise " +
                "(horizon-1 prediction error) painted over it: black-red-yellow-white and more opaque as it grows, on one scale per group. " +
                "Faded frames had too little context to be scored (--min-context). The cyan outline marks the event frame, the first where the twins' pixels differ."),
            new ReportPicture("surprise_animation", PictureFiles.SurpriseAnimation, "Surprise maps, animated",
                $"The same groups at {Math.Max(2, fps / 2).ToString("G3", CultureInfo.InvariantCulture)} frames per second (half speed): plausible clip on the left, impossible twin on the right."),
        ];
    }

    // Every impossible clip with the first plausible clip of its group.
    // Each impossible clip with the plausible clip of its group it shares the longest start with (a balanced
    // group has two plausible clips: a splice starts like one and ends like the other).
    private static IEnumerable<(int Impossible, int Plausible)> Pairs(IReadOnlyList<VoeClip> clips, IReadOnlyList<DecodedFrames> videos, int grid)
    {
        var plausible = new Dictionary<string, List<int>>();
        for (int i = 0; i < clips.Count; i++)
            if (clips[i].Plausible)
            {
                if (!plausible.TryGetValue(clips[i].Group, out var list)) plausible[clips[i].Group] = list = [];
                list.Add(i);
            }
        for (int i = 0; i < clips.Count; i++)
            if (!clips[i].Plausible && plausible.TryGetValue(clips[i].Group, out var twins))
                yield return (i, twins.Count == 1 ? twins[0] : twins.MaxBy(t => EventFrame(videos[t], videos[i], grid) ?? -1));
    }

    private static double Percentile(float[] values, double q)
    {
        var sorted = values.Where(float.IsFinite).OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? 0 : sorted[(int)(q * (sorted.Length - 1))];
    }
}
