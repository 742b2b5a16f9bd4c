using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Jepa.Config;
using Jepa.Embeddings;

namespace Jepa.Video.Prepare;

/// <summary>What became of one source.</summary>
public enum PrepareOutcome
{
    /// <summary>Transcoded by this run.</summary>
    Prepared,

    /// <summary>Already prepared, unchanged, with the same settings: left as it was.</summary>
    Skipped,

    /// <summary>Unusable: <see cref="PrepareResult.Reason"/> says why, in <c>jepa index</c>'s words.</summary>
    Bad,
}

/// <summary>One source's outcome: its record when it is prepared, its reason when it is bad.</summary>
/// <param name="Redone">true when an earlier output of this source was replaced (the source or the settings changed)</param>
public sealed record PrepareResult(VideoEntry Entry, PrepareOutcome Outcome, PreparedSource? Record, string? Reason, bool Redone = false);

/// <summary>What a run did, in the order of its sources.</summary>
/// <param name="Orphans">folders under DIR/videos that belong to no source of this run (left in place, not in the manifest)</param>
/// <param name="LeftoversRemoved">temporary folders of killed runs that were removed</param>
public sealed record PrepareSummary(IReadOnlyList<PrepareResult> Results, string ManifestPath, string BadPath, int Orphans, int LeftoversRemoved);

/// <summary>
/// <c>jepa prepare</c>: transcodes a corpus once into what training reads cheaply, in parallel over
/// sources. Each source becomes a folder <c>DIR/videos/&lt;name&gt;-&lt;hash&gt;/</c> of segments
/// (<c>000.mp4</c>, …) and a <c>prepared.json</c> record, built under a temporary name and renamed
/// into place when whole, so a run killed at any moment leaves nothing a later run trusts. A rerun
/// skips sources whose folder's record matches the source (size, modification time) and the settings.
/// Sources are only read. Bad sources are listed with <c>jepa index</c>'s reasons and never stop the run.
/// </summary>
public static class CorpusPreparer
{
    /// <summary>Folder under DIR holding one folder per prepared source.</summary>
    public const string VideosFolder = "videos";

    /// <summary>The video list of the prepared corpus: <c>data.train</c>, <c>data.val</c> and <c>--data</c> accept it.</summary>
    public const string ManifestName = "manifest.csv";

    /// <summary>The sources that could not be prepared (<c>path,reason</c>).</summary>
    public const string BadName = "bad_sources.csv";

    /// <summary>Held while a run works in DIR, so two runs never write one corpus (a shard i/n holds prepare-i-of-n.lock).</summary>
    public const string LockName = "prepare.lock";

    private const string PartialPrefix = ".partial-";
    private const string StalePrefix = ".stale-";

    /// <summary>
    /// Every source of <paramref name="specs"/> once, in ordinal path order. A folder with <c>train/</c> and
    /// <c>val/</c> (or <c>test/</c>) inside gives each video its subfolder's split, as training reads it;
    /// a manifest gives its label, split and other columns. A spec that does not exist is refused; a
    /// manifest row naming a missing file is kept (it is listed as <c>not found</c>).
    /// </summary>
    public static IReadOnlyList<VideoEntry> Collect(IEnumerable<string> specs)
    {
        var byPath = new Dictionary<string, VideoEntry>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!File.Exists(spec) && !Directory.Exists(spec) && !VideoList.IsGlob(spec))
                throw new UsageException($"DATA '{spec}' does not exist (looked from {Environment.CurrentDirectory}); give folders, globs, manifests, indexes or video files.");
            if (VideoSplits.IsSplitFolder(spec))
            {
                foreach (var sub in Directory.EnumerateDirectories(spec).Order(StringComparer.Ordinal))
                {
                    var split = VideoSplits.Names.FirstOrDefault(n => string.Equals(n, Path.GetFileName(sub), StringComparison.OrdinalIgnoreCase));
                    if (split is null || !Directory.EnumerateFiles(sub, "*", SearchOption.AllDirectories).Any(f => VideoList.Extensions.Contains(Path.GetExtension(f))))
                        continue;
                    foreach (var e in VideoList.Resolve(sub, requireExisting: false))
                        byPath.TryAdd(e.Path, e with { Split = split });
                }
                continue;
            }
            foreach (var e in VideoList.Resolve(spec, requireExisting: false))
                byPath.TryAdd(e.Path, e);
        }
        return byPath.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Refuses an output folder that the sources would pick up: inside a DATA folder (searched recursively)
    /// or under a glob's folder where the glob matches the outputs, or one holding a source itself.
    /// </summary>
    public static void CheckOutFolder(string outDir, IEnumerable<string> specs, IReadOnlyList<VideoEntry> entries)
    {
        var full = Path.GetFullPath(outDir);
        var sample = Path.Combine(full, VideosFolder, "x-0000000000", "000.mp4");
        foreach (var spec in specs)
        {
            if (Directory.Exists(spec) && IsUnder(full, Path.GetFullPath(spec)))
                throw new UsageException($"--out {full} is inside the source folder {Path.GetFullPath(spec)}; the prepared videos would be taken as sources the next time. Give a folder outside it.");
            if (VideoList.IsGlob(spec) && GlobPattern.Parse(spec).Matches(sample))
                throw new UsageException($"--out {full} is where the glob {spec} looks for videos; the prepared videos would be taken as sources the next time. Give a folder it does not match.");
        }
        var videos = Path.Combine(full, VideosFolder);
        if (entries.FirstOrDefault(e => IsUnder(e.Path, videos)) is { } inside)
            throw new UsageException($"DATA names {inside.Path}, a video jepa prepare made in --out {full}; prepare the original sources, or give another --out.");
    }

    /// <summary>The folder name of a source's outputs: its file name (made safe) and a hash of its full path.</summary>
    public static string KeyFor(string sourcePath)
    {
        var stem = Path.GetFileNameWithoutExtension(sourcePath);
        var safe = new StringBuilder();
        foreach (char c in stem.Length > 60 ? stem[..60] : stem)
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourcePath)))[..10];
        return $"{safe.ToString().TrimStart('.')}-{hash}";
    }

    /// <summary>
    /// Creates <paramref name="outDir"/> and holds its lock for the life of the returned handle (advisory
    /// locks the kernel frees even on kill -9; sharing modes on Windows). An unsharded run (and --merge) holds
    /// prepare.lock alone; shard i/n holds prepare-i-of-n.lock alone and prepare.lock together with the other
    /// shards, so shards run at once, but never beside an unsharded run or a merge. Throws when it is taken.
    /// </summary>
    public static IDisposable Lock(string outDir, Shard? shard = null)
    {
        Directory.CreateDirectory(outDir);
        bool whole = shard is null || shard.IsWhole;
        FileStream? shared = null;
        try
        {
            if (whole)
                return Hold(Path.Combine(outDir, LockName), FileShare.None);
            shared = new FileStream(Path.Combine(outDir, LockName), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
            var own = Hold(Path.Combine(outDir, $"prepare-{shard!.Index}-of-{shard.Count}.lock"), FileShare.None);
            return new Locks(own, shared);
        }
        catch (IOException e)
        {
            shared?.Dispose();
            throw new UsageException($"--out {outDir} is in use by another jepa prepare (an unsharded run, a --merge{(whole ? ", or shards" : $", or another --shard {shard}")}); wait for it to end, or prepare into another folder.", e);
        }
    }

    private static FileStream Hold(string path, FileShare share)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        stream.SetLength(0);
        stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
        stream.Flush();
        return stream;
    }

    private sealed class Locks(FileStream own, FileStream shared) : IDisposable
    {
        public void Dispose()
        {
            own.Dispose();
            shared.Dispose();
        }
    }

    /// <summary>
    /// Prepares every source of <paramref name="entries"/> into <paramref name="outDir"/> (the caller holds
    /// its <see cref="Lock"/>), then writes the manifest and the list of bad sources. <paramref name="progress"/>
    /// gets the sources done so far, fractions of those in flight included; <paramref name="finished"/> each
    /// source's outcome as it comes. Cancellation stops the run, removes the unfinished outputs and rethrows;
    /// the manifest is then left as it was (the next run finishes the work). With <paramref name="shard"/> i/n
    /// only sources k (of <paramref name="entries"/>, the whole sorted list) with k mod n = i are prepared,
    /// into manifest-i-of-n.csv and bad_sources-i-of-n.csv, and only this shard's temporary folders are cleaned up.
    /// </summary>
    public static async Task<PrepareSummary> RunAsync(
        IReadOnlyList<VideoEntry> entries, string outDir, PrepareSettings settings, int workers,
        Action<double>? progress, Action<PrepareResult>? finished, CancellationToken ct, Shard? shard = null)
    {
        var part = shard ?? Shard.Whole;
        var all = entries;
        entries = all.Where((_, k) => part.Holds(k)).ToList();
        var tag = part.IsWhole ? "" : $"@{part.Index}-of-{part.Count}-";
        var videos = Path.Combine(Path.GetFullPath(outDir), VideosFolder);
        Directory.CreateDirectory(videos);
        int leftovers = RemoveLeftovers(videos, tag);

        var results = new PrepareResult[entries.Count];
        var inFlight = new ConcurrentDictionary<int, double>();
        int completed = 0;
        void Report() => progress?.Invoke(Volatile.Read(ref completed) + inFlight.Values.Sum());

        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = ct },
            async (i, token) =>
            {
                inFlight[i] = 0;
                try
                {
                    results[i] = await PrepareOneAsync(entries[i], videos, settings, tag, f =>
                    {
                        inFlight[i] = f;
                        Report();
                    }, token);
                }
                finally
                {
                    inFlight.TryRemove(i, out _);
                }
                Interlocked.Increment(ref completed);
                finished?.Invoke(results[i]);
                Report();
            });

        // The other shards' folders are not orphans.
        var keys = all.Select(e => KeyFor(e.Path)).ToHashSet(StringComparer.Ordinal);
        int orphans = Directory.EnumerateDirectories(videos).Select(Path.GetFileName).Count(n => !n!.StartsWith('.') && !keys.Contains(n));
        var dir = Path.GetFullPath(outDir);
        var manifest = PartPath(Path.Combine(dir, ManifestName), part);
        var bad = PartPath(Path.Combine(dir, BadName), part);
        PreparedManifest.Write(manifest, videos, results);
        PreparedManifest.WriteBad(bad, results);
        return new PrepareSummary(results, manifest, bad, orphans, leftovers);
    }

    private static string PartPath(string path, Shard part) => part.IsWhole ? path : IndexFile.PartPath(path, part.Index, part.Count);

    /// <summary>
    /// Joins the parts a sharded <c>jepa prepare --shard i/n</c> wrote in <paramref name="outDir"/> (manifest-i-of-n.csv,
    /// bad_sources-i-of-n.csv) into manifest.csv and bad_sources.csv, rows in source path order (as an unsharded run
    /// has them). Every part of one n must be there; a missing one is named, with the command that makes it.
    /// Returns the manifest rows (segments), the sources they come from and the bad sources.
    /// </summary>
    public static (int Segments, int Sources, int Bad) Merge(string outDir)
    {
        var full = Path.GetFullPath(outDir);
        var counts = Directory.Exists(full)
            ? Directory.GetFiles(full, "manifest-*-of-*.csv")
                .Select(f => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(f), @"^manifest-(\d+)-of-(\d+)\.csv$"))
                .Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList()
            : [];
        if (counts.Count == 0)
            throw new UsageException($"no parts of {Path.Combine(full, ManifestName)} to merge (manifest-I-of-N.csv in {full}); write them with jepa prepare … --out {full} --shard I/N.");
        if (counts.Count > 1)
            throw new UsageException($"{full} holds manifest parts from shardings into {string.Join(" and ", counts.Order())}; remove the parts of the one you do not want, then merge.");
        int n = counts[0];
        var manifests = Enumerable.Range(0, n).Select(i => IndexFile.PartPath(Path.Combine(full, ManifestName), i, n)).ToList();
        var bads = Enumerable.Range(0, n).Select(i => IndexFile.PartPath(Path.Combine(full, BadName), i, n)).ToList();
        var missing = Enumerable.Range(0, n).Where(i => !File.Exists(manifests[i]) || !File.Exists(bads[i])).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{Path.Combine(full, ManifestName)} is split into {n} parts but {string.Join(", ", missing.Select(i => $"{i}/{n}"))} {(missing.Count == 1 ? "is" : "are")} missing; run jepa prepare with --shard {missing[0]}/{n} first.");

        var columns = new List<string>();
        var rows = new List<Dictionary<string, string>>();
        for (int i = 0; i < n; i++)
        {
            var (header, partRows) = ReadCsv(manifests[i]);
            if (!header.Take(IndexFile.Columns.Count + PreparedManifest.SourceColumns.Count).SequenceEqual(IndexFile.Columns.Concat(PreparedManifest.SourceColumns)))
                throw new UsageException($"{manifests[i]} is not a manifest written by jepa prepare; remove it or write it again with --shard {i}/{n}.");
            foreach (var c in header.Where(c => !columns.Contains(c))) columns.Add(c);
            rows.AddRange(partRows);
        }
        // A stable sort: each source's segments keep their order.
        rows = rows.OrderBy(r => r["source"], StringComparer.Ordinal).ToList();
        var badRows = bads.SelectMany(b => ReadCsv(b).Rows).OrderBy(r => r.GetValueOrDefault("path", ""), StringComparer.Ordinal).ToList();
        WriteCsv(Path.Combine(full, ManifestName), columns, rows);
        WriteCsv(Path.Combine(full, BadName), ["path", "reason"], badRows);
        return (rows.Count, rows.Select(r => r["source"]).Distinct(StringComparer.Ordinal).Count(), badRows.Count);
    }

    private static (List<string> Header, List<Dictionary<string, string>> Rows) ReadCsv(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path), CsvReaderOptions.Default with { Separator = ',' }, false);
        var header = csv.Headers.Select(h => h.Trim()).ToList();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < header.Count; c++) row[header[c]] = c < csv.FieldCount ? csv.GetString(c) ?? "" : "";
            rows.Add(row);
        }
        return (header, rows);
    }

    private static void WriteCsv(string path, IReadOnlyList<string> columns, IEnumerable<Dictionary<string, string>> rows)
    {
        var tmp = path + ".tmp";
        using (var csv = CsvWriter.Create(File.Create(tmp), CsvWriterOptions.Default with { NewLine = "\n" }, false))
        {
            csv.WriteHeader(columns.ToArray());
            foreach (var r in rows) csv.WriteRecord(columns.Select(c => r.GetValueOrDefault(c, "")).ToArray());
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Prepares one source, or says why it cannot be; throws only on cancellation and on failures to write the outputs.</summary>
    internal static async Task<PrepareResult> PrepareOneAsync(VideoEntry entry, string videos, PrepareSettings settings, string tag, Action<double>? progress, CancellationToken ct)
    {
        var key = KeyFor(entry.Path);
        var folder = Path.Combine(videos, key);
        var (size, mtime) = Stamp(entry.Path);
        var previous = Directory.Exists(folder) ? PreparedSource.TryRead(folder) : null;
        if (previous is not null && previous.Matches(folder, entry.Path, size, mtime, settings.Key))
            return new PrepareResult(entry, PrepareOutcome.Skipped, previous, null);

        // The same checks and words as jepa index: missing, empty, unreadable, no video stream,
        // undecodable, truncated, too short for one clip, timed out.
        var row = await VideoIndex.CheckAsync(entry, settings.Check, ct);
        if (!row.IsOk)
            return new PrepareResult(entry, PrepareOutcome.Bad, null, row.Reason);

        var partial = Path.Combine(videos, $"{PartialPrefix}{tag}{key}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            var (width, height) = Transcoder.OutputSize(row.Width, row.Height, settings.ShortSide);
            var starts = Transcoder.SegmentStarts(row.DurationS, settings);
            var args = Transcoder.Arguments(entry.Path, partial, width, height, starts, settings);
            try
            {
                await Transcoder.RunAsync(entry.Path, args, row.DurationS, settings.StallTimeout, progress, ct);
            }
            catch (VideoException e)
            {
                return new PrepareResult(entry, PrepareOutcome.Bad, null, e.Reason);
            }

            var segments = new List<PreparedSegment>();
            var files = Directory.EnumerateFiles(partial, "*.mp4").Order(StringComparer.Ordinal).ToList();
            for (int i = 0; i < files.Count; i++)
            {
                VideoInfo info;
                try
                {
                    info = await VideoProbe.ProbeAsync(files[i], ct, settings.Check.Timeout);
                }
                catch (VideoException e)
                {
                    return new PrepareResult(entry, PrepareOutcome.Bad, null, $"cannot transcode: segment {Path.GetFileName(files[i])}: {e.Reason}");
                }
                Transcoder.FlushToDisk(files[i]);
                double start = i == 0 ? 0 : i - 1 < starts.Count ? starts[i - 1] : segments[^1].StartS + segments[^1].DurationS;
                segments.Add(new PreparedSegment(Path.GetFileName(files[i]), start, info.DurationS, info.Fps, info.Width, info.Height,
                    info.Frames, new FileInfo(files[i]).Length));
            }
            if (segments.Count == 0 || segments.Sum(s => s.Frames) == 0)
                return new PrepareResult(entry, PrepareOutcome.Bad, null, "cannot transcode: no frame came out");

            var record = new PreparedSource(entry.Path, size, mtime, settings.Key, row.DurationS, row.Fps, row.Width, row.Height, row.Codec, segments);
            record.Write(partial);
            bool redone = Directory.Exists(folder);
            Publish(partial, folder, videos, tag + key);
            return new PrepareResult(entry, PrepareOutcome.Prepared, record, null, redone);
        }
        finally
        {
            if (Directory.Exists(partial))
                TryDelete(partial);
        }
    }

    // Renames the finished folder into place. An older folder of the same source is first moved aside
    // (a kill between the two renames leaves no folder under the final name: the source is redone).
    private static void Publish(string partial, string folder, string videos, string key)
    {
        if (Directory.Exists(folder))
        {
            var stale = Path.Combine(videos, $"{StalePrefix}{key}-{Guid.NewGuid():N}");
            Directory.Move(folder, stale);
            Directory.Move(partial, folder);
            TryDelete(stale);
        }
        else
        {
            Directory.Move(partial, folder);
        }
    }

    // Temporary folders of runs that were killed: never trusted, removed before work starts (the caller
    // holds the lock, so no live run is writing them). They are named .partial-KEY… by an unsharded run and
    // .partial-@i-of-n-KEY… by shard i/n ('@' is never in a key), and each run removes only its own kind,
    // so shards running at once never remove each other's work.
    private static int RemoveLeftovers(string videos, string tag)
    {
        int removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(videos))
        {
            var name = Path.GetFileName(dir);
            bool mine = new[] { PartialPrefix, StalePrefix }.Any(prefix => name.StartsWith(prefix + tag, StringComparison.Ordinal)
                && (tag.Length > 0 || name.Length == prefix.Length || name[prefix.Length] != '@'));
            if (mine)
            {
                TryDelete(dir);
                removed++;
            }
        }
        return removed;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's clean-up.
        }
    }

    private static bool IsUnder(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative == "." || relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    private static (long Size, long Mtime) Stamp(string path)
    {
        var f = new FileInfo(path);
        return f.Exists ? (f.Length, f.LastWriteTimeUtc.Ticks) : (0, 0);
    }
}
