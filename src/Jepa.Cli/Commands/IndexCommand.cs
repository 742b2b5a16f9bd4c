using System.CommandLine;
using System.Diagnostics;
using Jepa.Config;
using Jepa.Data;
using Jepa.Video;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa index DATA… --out index.csv</c>: probe every video once and list the unusable ones with reasons.</summary>
internal static class IndexCommand
{
    // Enough bad files to see the pattern; the full list is in the index.
    private const int BadShown = 20;

    public static Command Create()
    {
        var data = new Argument<string[]>("data") { Description = "Folders, globs, manifests, indexes or video files.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Index CSV to write (rows of unchanged files are reused from it); a file that is not an index jepa index wrote is never replaced.", Required = true };
        var config = new Option<string?>("--config") { Description = "Experiment YAML whose clip length (data.frames / data.fps) and data.short_videos decide 'too short'." };
        var set = new Option<string[]>("--set") { Description = "Override a config key (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var workers = new Option<int?>("--workers") { Description = "Probes at once (default: data.workers, or one per core)." };
        var shard = new Option<string?>("--shard") { Description = "i/n: probe only videos k (of the sorted list) with k mod n = i, into OUT-i-of-n.csv (e.g. a SLURM array task); join the parts with --merge." };
        var merge = new Option<bool>("--merge") { Description = "Join the parts OUT-i-of-n.csv that jepa index --shard wrote into OUT (no DATA, nothing probed)." };
        var progress = ProgressBar.Option();

        var command = new Command("index", "Probe every video once (in parallel) and write an index: ok, or bad with a reason.")
        {
            data, output, config, set, workers, shard, merge, progress,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var mode = ProgressBar.ParseMode(parse.GetValue(progress));
            var cfg = ConfigLoader.Load(parse.GetValue(config), parse.GetValue(set) ?? []);
            ConfigValidator.Validate(cfg, parse.GetValue(config) ?? "the built-in defaults");
            var d = cfg.Data;
            int n = parse.GetValue(workers) ?? TrainingData.WorkersFor(d);
            if (n < 1)
                throw new UsageException($"--workers must be at least 1, got {n}.");
            var outPath = OutputPaths.File(parse.GetValue(output)!, "--out", "index.csv");
            if (!outPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--out {outPath} must be a .csv file.");
            // An earlier index is replaced (its rows are reused); any other file, such as a manifest
            // whose labels exist nowhere else, never is.
            if (File.Exists(outPath) && !IndexFile.IsWrittenByIndex(outPath))
                throw new UsageException($"--out {outPath} exists and is not an index written by jepa index; give another file name (jepa index replaces only its own indexes).");

            var specs = parse.GetValue(data) ?? [];
            if (parse.GetValue(merge))
            {
                if (specs.Length > 0 || parse.GetValue(shard) is not null)
                    throw new UsageException("--merge joins the parts already written and takes no DATA or --shard; give only --out.");
                var merged = IndexFile.Merge(outPath);
                Console.WriteLine($"Merged {merged.Count} videos ({merged.Count(r => r.IsOk)} ok, {merged.Count(r => !r.IsOk)} bad) into {outPath}");
                return merged.Any(r => r.IsOk) ? 0 : throw new UsageException($"none of the {merged.Count} videos is usable (reasons in {outPath}); check the files or index others.");
            }
            if (specs.Length == 0) throw new UsageException("jepa index needs DATA: folders, globs, manifests, indexes or video files (or --merge).");
            var part = parse.GetValue(shard) is { } text ? Jepa.Embeddings.Shard.Parse(text) : Jepa.Embeddings.Shard.Whole;
            var entries = Collect(specs);
            if (!part.IsWhole)
            {
                entries = entries.Where((_, k) => part.Holds(k)).ToList();
                outPath = IndexFile.PartPath(outPath, part.Index, part.Count);
                if (File.Exists(outPath) && !IndexFile.IsWrittenByIndex(outPath))
                    throw new UsageException($"{outPath} exists and is not an index written by jepa index; remove it or give another --out.");
            }
            var previous = File.Exists(outPath) ? IndexFile.Read(outPath) : null;
            var options = new IndexOptions(d.Frames / d.Fps, d.Fps, d.ShortVideos == "pad", n, TimeSpan.FromSeconds(d.DecodeTimeoutS));
            var clock = Stopwatch.StartNew();
            IReadOnlyList<IndexRow> rows;
            using (var bar = ProgressBar.Start(mode, "index", entries.Count, "videos"))
            {
                rows = await VideoIndex.BuildAsync(entries, options, previous, done => bar.Report(done), token);
            }
            IndexFile.Write(outPath, rows);
            Summarise(rows, previous, outPath, clock.Elapsed, n);
            // One shard may hold only bad videos (or none at all); whether the corpus is usable is --merge's to say.
            if (!rows.Any(r => r.IsOk) && part.IsWhole)
                throw new UsageException($"none of the {rows.Count} videos is usable (reasons in {outPath}); check the files or index others.");
            return 0;
        }, ct));
        return command;
    }

    // Every DATA argument's videos, once each, in ordinal path order. An argument that does not exist
    // is a mistyped path, refused before any probing; a manifest row naming a missing file is a
    // "not found" row (the manifest is the user's record of what should be there).
    private static List<VideoEntry> Collect(IEnumerable<string> specs)
    {
        var byPath = new Dictionary<string, VideoEntry>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!File.Exists(spec) && !Directory.Exists(spec) && !VideoList.IsGlob(spec))
                throw new UsageException($"DATA '{spec}' does not exist (looked from {Environment.CurrentDirectory}); give folders, globs, manifests, indexes or video files.");
            foreach (var e in VideoList.Resolve(spec, requireExisting: false))
                byPath.TryAdd(e.Path, e);
        }
        return byPath.Values.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    private static void Summarise(IReadOnlyList<IndexRow> rows, IReadOnlyList<IndexRow>? previous, string outPath, TimeSpan elapsed, int workers)
    {
        var old = (previous ?? []).Select(r => (r.Path, r.SizeBytes, r.MtimeUtc)).ToHashSet();
        int reused = rows.Count(r => old.Contains((r.Path, r.SizeBytes, r.MtimeUtc)));
        var ok = rows.Where(r => r.IsOk).ToList();
        var bad = rows.Where(r => !r.IsOk).ToList();
        Console.WriteLine($"Indexed {rows.Count} videos ({reused} unchanged, reused) with {workers} workers in {elapsed.TotalSeconds:F1} s: {ok.Count} ok ({ok.Sum(r => r.DurationS) / 3600:F2} h), {bad.Count} bad; wrote {outPath}");
        foreach (var g in bad.GroupBy(r => Kind(r.Reason)).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  bad, {g.Key}: {g.Count()}");
        foreach (var r in bad.Take(BadShown))
            Console.WriteLine($"  {r.Path}: {r.Reason}");
        if (bad.Count > BadShown)
            Console.WriteLine($"  … and {bad.Count - BadShown} more (status=bad in {outPath})");
    }

    // "cannot decode: moov atom not found" and "too short for one clip (0.5 s …)" count by their kind.
    private static string Kind(string reason) => reason.Split([':', '('], 2)[0].Trim();
}
