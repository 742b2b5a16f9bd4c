using System.Globalization;
using CsvHelper;
using Jepa.Config;
using Jepa.Data;
using Jepa.Models;
using Jepa.Video;
using Serilog;
using static TorchSharp.torch;

namespace Jepa.Embeddings;

/// <summary>What one <c>jepa embed</c> did.</summary>
/// <param name="Videos">Videos in this shard.</param>
/// <param name="Embedded">Videos embedded by this run.</param>
/// <param name="Skipped">Videos a previous run had finished.</param>
/// <param name="Bad">Videos that could not be embedded (listed in <paramref name="BadPath"/>).</param>
/// <param name="Files">.npy files in the index (this run's and the skipped videos').</param>
public sealed record EmbedResult(int Videos, int Embedded, int Skipped, int Bad, int Files, string IndexPath, string? BadPath);

/// <summary>
/// <c>jepa embed</c>: the online encoders' embeddings of every video, window by window, as .npy files
/// under DIR/&lt;video path relative to the videos' common folder&gt;/, with an index.csv. A video is
/// finished when its done.csv is written (after all its files), so a rerun skips exactly those.
/// </summary>
public sealed class Embedder(HJepa model, JepaConfig config, EmbedOptions options, Device device, ILogger log)
{
    public const string DoneFile = "done.csv";

    private readonly int frames = config.Data.Frames;
    private readonly double fps = config.Data.Fps;
    private readonly int size = config.Data.Size;
    private readonly int stride = options.Stride ?? config.Data.Frames;

    /// <summary>The settings written to embed.json; <paramref name="checkpoint"/> is the checkpoint's absolute path.</summary>
    public EmbedSettings Settings(string checkpoint, long step) => new(
        checkpoint, step, string.Join(',', options.Levels), EmbedOptions.Name(options.Pool), EmbedOptions.Name(options.Dtype),
        frames, stride, fps, size);

    /// <summary>Embeds this shard's videos of <paramref name="videos"/> (the whole sorted list, so every shard splits it alike) into <paramref name="outDir"/>.</summary>
    /// <param name="progress">called after each of this shard's videos (embedded, already done or bad) with the count so far</param>
    public async Task<EmbedResult> RunAsync(IReadOnlyList<VideoEntry> videos, string outDir, CancellationToken ct, Action<int>? progress = null)
    {
        if (stride < 1)
            throw new UsageException($"--stride {stride} must be at least 1 (frames between the starts of consecutive windows).");
        var root = CommonFolder(videos.Select(v => v.Path));
        var indexPath = options.Shard.IsWhole ? Path.Combine(outDir, "index.csv") : PartPath(outDir, "index.csv", options.Shard.Index, options.Shard.Count);
        var badPath = options.Shard.IsWhole ? Path.Combine(outDir, "bad_videos.csv") : PartPath(outDir, "bad_videos.csv", options.Shard.Index, options.Shard.Count);

        var rows = new List<EmbedRow>();
        var bad = new List<(string Path, string Reason)>();
        int mine = 0, embedded = 0, skipped = 0;
        for (int v = 0; v < videos.Count; v++)
        {
            if (!options.Shard.Holds(v)) continue;
            progress?.Invoke(mine);
            mine++;
            ct.ThrowIfCancellationRequested();
            var video = videos[v].Path;
            var folder = Path.Combine(outDir, Path.GetRelativePath(root, video));
            var done = Path.Combine(folder, DoneFile);
            if (File.Exists(done))
            {
                rows.AddRange(EmbedIndex.Read(done));
                skipped++;
                continue;
            }
            try
            {
                var videoRows = await EmbedVideoAsync(video, folder, outDir, ct);
                EmbedIndex.Write(done, videoRows);
                rows.AddRange(videoRows);
                embedded++;
                log.Information("Embedded {Video}: {Files} files", video, videoRows.Count);
            }
            catch (VideoException e)
            {
                // One bad video never stops a corpus: it is listed and the next one runs.
                bad.Add((video, e.Reason));
                log.Warning("Skipped {Video}: {Reason}", video, e.Reason);
            }
        }

        progress?.Invoke(mine);
        EmbedIndex.Write(indexPath, rows);
        WriteBad(badPath, bad);
        return new EmbedResult(mine, embedded, skipped, bad.Count, rows.Count, indexPath, bad.Count > 0 ? badPath : null);
    }

    /// <summary>The part shard <paramref name="index"/> of <paramref name="count"/> writes for a file of DIR: index.csv → index-i-of-n.csv.</summary>
    public static string PartPath(string outDir, string name, int index, int count) =>
        Path.Combine(outDir, $"{Path.GetFileNameWithoutExtension(name)}-{index.ToString(CultureInfo.InvariantCulture)}-of-{count.ToString(CultureInfo.InvariantCulture)}{Path.GetExtension(name)}");

    /// <summary>
    /// Joins the parts a sharded <c>jepa embed --shard i/n</c> wrote in <paramref name="outDir"/> (index-i-of-n.csv,
    /// bad_videos-i-of-n.csv) into index.csv and bad_videos.csv, rows in video path order (as an unsharded run has them).
    /// Every part of one n must be there; a missing one is named, with the command that makes it.
    /// </summary>
    public static EmbedResult Merge(string outDir)
    {
        var full = Path.GetFullPath(outDir);
        if (!File.Exists(Path.Combine(full, EmbedSettings.FileName)))
            throw new UsageException($"--out {full} holds no {EmbedSettings.FileName} of jepa embed; give the folder jepa embed … --shard I/N wrote.");
        var counts = Directory.GetFiles(full, "index-*-of-*.csv")
            .Select(f => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(f), @"^index-(\d+)-of-(\d+)\.csv$"))
            .Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
        if (counts.Count == 0)
            throw new UsageException($"no parts of {full} to merge (index-I-of-N.csv in it); write them with jepa embed … --out {full} --shard I/N.");
        if (counts.Count > 1)
            throw new UsageException($"{full} holds parts from shardings into {string.Join(" and ", counts.Order())}; remove the parts of the one you do not want, then merge.");
        int n = counts[0];
        var missing = Enumerable.Range(0, n).Where(i => !File.Exists(PartPath(full, "index.csv", i, n))).ToList();
        if (missing.Count > 0)
            throw new UsageException($"{full} is split into {n} parts but {string.Join(", ", missing.Select(i => $"{i}/{n}"))} {(missing.Count == 1 ? "is" : "are")} missing; run jepa embed with --shard {missing[0]}/{n} first.");
        var rows = new List<EmbedRow>();
        var bad = new List<(string Path, string Reason)>();
        for (int i = 0; i < n; i++)
        {
            var part = PartPath(full, "index.csv", i, n);
            try
            {
                rows.AddRange(EmbedIndex.Read(part));
            }
            catch (InvalidDataException)
            {
                throw new UsageException($"{part} is not an index written by jepa embed; remove it or write it again with --shard {i}/{n}.");
            }
            var badPart = PartPath(full, "bad_videos.csv", i, n);
            if (File.Exists(badPart))
            {
                using var csv = CsvReader.Create(File.OpenRead(badPart), CsvReaderOptions.Default with { Separator = ',' }, false);
                while (csv.Read()) bad.Add((csv.GetString(0) ?? "", csv.GetString(1) ?? ""));
            }
        }
        // A stable sort: each video's rows keep their order (windows by batch, then level).
        var merged = rows.OrderBy(r => r.Video, StringComparer.Ordinal).ToList();
        bad = bad.OrderBy(b => b.Path, StringComparer.Ordinal).ToList();
        var indexPath = Path.Combine(full, "index.csv");
        var badPath = Path.Combine(full, "bad_videos.csv");
        EmbedIndex.Write(indexPath, merged);
        WriteBad(badPath, bad);
        int videos = merged.Select(r => r.Video).Distinct(StringComparer.Ordinal).Count() + bad.Count;
        return new EmbedResult(videos, 0, videos - bad.Count, bad.Count, merged.Count, indexPath, bad.Count > 0 ? badPath : null);
    }

    /// <summary>Starts (in frames) of the windows of <paramref name="windowFrames"/> frames, <paramref name="stride"/> apart, that fit in <paramref name="count"/> frames.</summary>
    public static IReadOnlyList<int> WindowStarts(int count, int windowFrames, int stride)
    {
        var starts = new List<int>();
        for (int s = 0; s + windowFrames <= count; s += stride) starts.Add(s);
        return starts;
    }

    private async Task<List<EmbedRow>> EmbedVideoAsync(string video, string folder, string outDir, CancellationToken ct)
    {
        // A whole video is decoded at once, so the limit is long: a hung ffmpeg still ends.
        var decoded = await FrameDecoder.DecodeAsync(video, 0, null, fps, size, ct, TimeSpan.FromSeconds(Math.Max(600, config.Data.DecodeTimeoutS)));
        var starts = WindowStarts(decoded.Count, frames, stride);
        if (starts.Count == 0)
            throw new VideoException(video, $"too short for one window ({decoded.Count} frames at {fps.ToString(CultureInfo.InvariantCulture)} fps; a window is {frames})");
        Directory.CreateDirectory(folder);
        var rows = new List<EmbedRow>();
        int batch = Math.Max(1, config.Eval.BatchSize);
        for (int first = 0; first < starts.Count; first += batch)
        {
            ct.ThrowIfCancellationRequested();
            var part = starts.Skip(first).Take(batch).ToList();
            foreach (var (level, start, values, shape) in Embed(decoded, part))
            {
                var name = $"l{level}-f{start.ToString("D6", CultureInfo.InvariantCulture)}.npy";
                var path = Path.Combine(folder, name);
                NpyFile.WriteAtomically(path, values, shape, options.Dtype);
                rows.Add(new EmbedRow(video, Path.GetRelativePath(outDir, path).Replace('\\', '/'), level,
                    EmbedOptions.Name(options.Pool), EmbedIndex.ShapeText(shape), fps, start / fps));
            }
        }
        return rows;
    }

    /// <summary>The windows starting at <paramref name="starts"/> through the online encoders, pooled, per level and window.</summary>
    private List<(int Level, int Start, float[] Values, long[] Shape)> Embed(DecodedFrames decoded, IReadOnlyList<int> starts)
    {
        using var scope = NewDisposeScope();
        int windowBytes = frames * decoded.FrameBytes;
        var bytes = new byte[starts.Count * windowBytes];
        for (int i = 0; i < starts.Count; i++)
            Array.Copy(decoded.Rgb, (long)starts[i] * decoded.FrameBytes, bytes, (long)i * windowBytes, windowBytes);
        var input = ClipTensors.ToInput(bytes, starts.Count, frames, size, device);
        var (z1, z2) = model.EncodeOnline(input);
        var results = new List<(int, int, float[], long[])>();
        foreach (int level in options.Levels)
        {
            var pooled = Pool(level == 1 ? z1 : z2).to(CPU).contiguous(); // [B, …]
            var shape = pooled.shape.Skip(1).ToArray();
            var all = pooled.data<float>().ToArray();
            int per = all.Length / starts.Count;
            for (int i = 0; i < starts.Count; i++)
                results.Add((level, starts[i], all.AsSpan(i * per, per).ToArray(), shape));
        }
        return results;
    }

    /// <param name="z">[B, T, N, D]</param>
    private Tensor Pool(Tensor z) => options.Pool switch
    {
        EmbedPool.Frame => z.mean([2]),
        EmbedPool.Clip => z.mean([1, 2]),
        _ => z,
    };

    private static void WriteBad(string path, List<(string Path, string Reason)> bad)
    {
        // A list from an earlier run of this shard is stale once its videos were tried again.
        if (bad.Count == 0)
        {
            File.Delete(path);
            return;
        }
        var tmp = path + ".tmp";
        using (var csv = CsvWriter.Create(File.Create(tmp), CsvWriterOptions.Default with { NewLine = "\n" }, false))
        {
            csv.WriteHeader(["path", "reason"]);
            foreach (var (p, r) in bad) csv.WriteRecord([p, r]);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The deepest folder holding every video, so output paths mirror the corpus's own layout.</summary>
    public static string CommonFolder(IEnumerable<string> paths)
    {
        string[]? common = null;
        foreach (var p in paths)
        {
            var parts = Path.GetDirectoryName(Path.GetFullPath(p))!.Split(Path.DirectorySeparatorChar);
            if (common is null) { common = parts; continue; }
            int n = 0;
            while (n < common.Length && n < parts.Length && common[n] == parts[n]) n++;
            common = common[..n];
        }
        if (common is null || common.Length == 0) return Path.GetPathRoot(Environment.CurrentDirectory)!;
        var joined = string.Join(Path.DirectorySeparatorChar, common);
        return joined.Length == 0 ? Path.DirectorySeparatorChar.ToString() : joined;
    }
}
