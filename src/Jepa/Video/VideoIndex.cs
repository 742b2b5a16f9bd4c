namespace Jepa.Video;

/// <summary>What makes a video usable for training: the clip it must hold, and how hard to look.</summary>
/// <param name="ClipSeconds">real duration of one clip (frames / fps)</param>
/// <param name="Fps">training frame rate, for the test decode</param>
/// <param name="PadShort">true: a video shorter than a clip is usable (it will be padded)</param>
/// <param name="Workers">probes run at once</param>
/// <param name="Timeout">how long one ffprobe or test decode may run</param>
public sealed record IndexOptions(double ClipSeconds, double Fps, bool PadShort, int Workers, TimeSpan Timeout);

/// <summary>
/// Checks every video once, in parallel: ffprobe for duration, rate, size and codec, then a one-frame
/// decode at the start and at the start of the last clip, which catches files whose headers parse but
/// whose stream does not (garbage after a valid header, downloads cut off mid-stream).
/// </summary>
public static class VideoIndex
{
    /// <summary>
    /// Rows for <paramref name="entries"/>, in their order. A row of <paramref name="previous"/> for
    /// the same path, size and modification time is reused without starting ffprobe.
    /// </summary>
    public static async Task<IReadOnlyList<IndexRow>> BuildAsync(
        IReadOnlyList<VideoEntry> entries, IndexOptions options, IReadOnlyList<IndexRow>? previous,
        Action<int>? progress, CancellationToken ct)
    {
        var known = (previous ?? []).GroupBy(r => r.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var rows = new IndexRow[entries.Count];
        int done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers), CancellationToken = ct },
            async (i, token) =>
            {
                var e = entries[i];
                var (size, mtime) = Stamp(e.Path);
                rows[i] = known.TryGetValue(e.Path, out var old) && old.SizeBytes == size && old.MtimeUtc == mtime && size > 0
                    ? Reclassify(old with { Label = e.Label, Split = e.Split }, options)
                    : await CheckAsync(e, options, token);
                progress?.Invoke(Interlocked.Increment(ref done));
            });
        return rows;
    }

    /// <summary>Checks one video; never throws for a bad file, only on cancellation.</summary>
    public static async Task<IndexRow> CheckAsync(VideoEntry entry, IndexOptions options, CancellationToken ct)
    {
        var path = entry.Path;
        var (size, mtime) = Stamp(path);
        IndexRow Bad(string reason) => IndexRow.Failed(path, reason, size, mtime, entry.Label, entry.Split);
        if (!File.Exists(path))
            return Bad("not found");
        try
        {
            // ffprobe reports an unreadable file as a generic I/O error; opening it here names the cause.
            using (File.OpenRead(path)) { }
        }
        catch (UnauthorizedAccessException)
        {
            return Bad("permission denied");
        }
        catch (IOException e)
        {
            return Bad("cannot read: " + e.Message.TrimEnd('.'));
        }
        if (size == 0)
            return Bad("empty file");

        try
        {
            var info = await VideoProbe.ProbeAsync(path, ct, options.Timeout);
            var row = new IndexRow(path, IndexRow.Ok, "", info.DurationS, info.Fps, info.Width, info.Height,
                info.Codec, info.Frames, size, mtime, entry.Label, entry.Split);
            if (info.DurationS <= 0)
                return row with { Status = IndexRow.Bad, Reason = "unknown duration" };
            if ((await FrameDecoder.DecodeAsync(path, 0, 1, options.Fps, 16, ct, options.Timeout)).Count == 0)
                return row with { Status = IndexRow.Bad, Reason = "cannot decode: no frame decodes" };
            // The last clip the sampler can pick starts here; a file cut off mid-stream has no frame there.
            double lastStart = Math.Max(0, info.DurationS - options.ClipSeconds);
            if (lastStart > 0 && (await FrameDecoder.DecodeAsync(path, lastStart, 1, options.Fps, 16, ct, options.Timeout)).Count == 0)
                return row with { Status = IndexRow.Bad, Reason = $"truncated: no frame after {lastStart:0.##} s of {info.DurationS:0.##} s" };
            return Reclassify(row, options);
        }
        catch (VideoException e)
        {
            return Bad(e.Reason);
        }
    }

    /// <summary>The one-line reason for a video shorter than a clip.</summary>
    public static string TooShortReason(double durationS, double clipSeconds) =>
        $"too short for one clip ({durationS:0.###} s, a clip needs {clipSeconds:0.###} s)";

    // Whether a probed video is too short depends on the clip length, which may differ between runs
    // that reuse one index; decide it again from the stored duration.
    private static IndexRow Reclassify(IndexRow row, IndexOptions options)
    {
        bool probed = row.IsOk || row.Reason.StartsWith("too short", StringComparison.Ordinal);
        if (!probed)
            return row;
        bool tooShort = row.DurationS + 1e-6 < options.ClipSeconds && !options.PadShort;
        return tooShort
            ? row with { Status = IndexRow.Bad, Reason = TooShortReason(row.DurationS, options.ClipSeconds) }
            : row with { Status = IndexRow.Ok, Reason = "" };
    }

    private static (long Size, long Mtime) Stamp(string path)
    {
        var f = new FileInfo(path);
        return f.Exists ? (f.Length, f.LastWriteTimeUtc.Ticks) : (0, 0);
    }
}
