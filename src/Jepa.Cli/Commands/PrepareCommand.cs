using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Jepa.Config;
using Jepa.Video.Prepare;

namespace Jepa.Cli.Commands;

/// <summary>
/// <c>jepa prepare DATA… --out DIR</c>: a one-time transcode of a corpus into what training reads
/// cheaply (training fps, a short side near the model size, a keyframe every clip, no B-frames,
/// H.264 yuv420p, segments), resumable and safe to kill; writes DIR/manifest.csv.
/// </summary>
internal static class PrepareCommand
{
    // Enough bad files to see the pattern; the full list is in bad_sources.csv.
    private const int BadShown = 20;

    public static Command Create()
    {
        var data = new Argument<string[]>("data") { Description = "Folders, globs, manifests, indexes or video files: the sources (only read, never changed).", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Folder of the prepared corpus: videos/, manifest.csv, bad_sources.csv. A rerun into it skips what is done.", Required = true };
        var config = new Option<string?>("--config") { Description = "Experiment YAML: data.fps, data.size and data.frames decide the output (fps, short side, keyframe interval)." };
        var set = new Option<string[]>("--set") { Description = "Override a config key (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var workers = new Option<int?>("--workers") { Description = "Sources transcoded at once (default: one per core; each ffmpeg gets cores / workers threads)." };
        var shortSide = new Option<int?>("--short-side") { Description = "Short side of the outputs in pixels, even (default: data.size rounded up to even, where the loader only decodes; larger sides cost a scale per frame)." };
        var segment = new Option<double>("--segment-seconds") { Description = "Longest output file; longer sources are cut into equal segments at keyframes (raised to four clips when clips are longer).", DefaultValueFactory = _ => 60 };
        var crf = new Option<int>("--crf") { Description = "libx264 quality, 0-51, lower is better and larger.", DefaultValueFactory = _ => 20 };
        var shard = new Option<string?>("--shard") { Description = "i/n: prepare only sources k (of the sorted list) with k mod n = i into DIR, listed in DIR/manifest-i-of-n.csv (e.g. a SLURM array task); join the parts with --merge." };
        var merge = new Option<bool>("--merge") { Description = "Join the parts DIR/manifest-i-of-n.csv (and bad_sources-i-of-n.csv) that jepa prepare --shard wrote into DIR/manifest.csv (no DATA, nothing transcoded)." };
        var progress = ProgressBar.Option();

        var command = new Command("prepare", "Transcode a corpus once for training: training fps, short side near data.size, a keyframe every clip, no B-frames; resumable.")
        {
            data, output, config, set, workers, shortSide, segment, crf, shard, merge, progress,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            if (parse.GetValue(merge))
            {
                if ((parse.GetValue(data) ?? []).Length > 0 || parse.GetValue(shard) is not null)
                    throw new UsageException("--merge joins the parts already written and takes no DATA or --shard; give only --out.");
                var mergeDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
                if (!Directory.Exists(mergeDir))
                    throw new UsageException($"--out {mergeDir} does not exist; write its parts with jepa prepare … --out {mergeDir} --shard I/N first.");
                using var mergeLock = CorpusPreparer.Lock(mergeDir);
                var (segments, sources, badSources) = CorpusPreparer.Merge(mergeDir);
                Console.WriteLine($"Merged {segments} videos from {sources} sources ({badSources} bad sources) into {Path.Combine(mergeDir, CorpusPreparer.ManifestName)}");
                return sources > 0 ? 0 : throw new UsageException($"none of the {badSources} sources could be prepared (reasons in {Path.Combine(mergeDir, CorpusPreparer.BadName)}); check the files with jepa index or prepare others.");
            }
            var mode = ProgressBar.ParseMode(parse.GetValue(progress));
            var cfg = ConfigLoader.Load(parse.GetValue(config), parse.GetValue(set) ?? []);
            ConfigValidator.Validate(cfg, parse.GetValue(config) ?? "the built-in defaults");
            int n = parse.GetValue(workers) ?? Math.Max(1, Environment.ProcessorCount);
            if (n < 1)
                throw new UsageException($"--workers must be at least 1, got {n}.");
            int quality = parse.GetValue(crf);
            if (quality is < 0 or > 51)
                throw new UsageException($"--crf must be between 0 and 51, got {quality}.");
            var settings = PrepareSettings.For(cfg.Data, n, parse.GetValue(shortSide), parse.GetValue(segment), quality);
            var outDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var specs = parse.GetValue(data) ?? [];
            if (specs.Length == 0) throw new UsageException("jepa prepare needs DATA: folders, globs, manifests, indexes or video files (or --merge).");
            var part = parse.GetValue(shard) is { } text ? Jepa.Embeddings.Shard.Parse(text) : Jepa.Embeddings.Shard.Whole;
            var all = CorpusPreparer.Collect(specs);
            CorpusPreparer.CheckOutFolder(outDir, specs, all);
            var entries = all.Where((_, k) => part.Holds(k)).ToList();

            using var held = CorpusPreparer.Lock(outDir, part);
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"Preparing {entries.Count} sources{(part.IsWhole ? "" : $" (shard {part} of {all.Count})")} into {outDir} with {n} workers: {settings.Fps.ToString("R", CultureInfo.InvariantCulture)} fps, short side {settings.ShortSide}, keyframe every {settings.Gop} frames, no B-frames, H.264 crf {settings.Crf}, segments of at most {settings.SegmentSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
            PrepareSummary summary;
            using (var bar = ProgressBar.Start(mode, "prepare", entries.Count, "sources"))
            {
                summary = await CorpusPreparer.RunAsync(all, outDir, settings, n, bar.Report, r =>
                {
                    if (r.Outcome == PrepareOutcome.Bad && bar.Visible)
                        bar.WriteLine($"  bad: {r.Entry.Path}: {r.Reason}");
                }, token, part);
            }
            Summarise(summary, clock.Elapsed);
            // One shard may hold only bad sources (or none at all); whether the corpus is usable is --merge's to say.
            if (!summary.Results.Any(r => r.Outcome != PrepareOutcome.Bad) && part.IsWhole)
                throw new UsageException($"none of the {entries.Count} sources could be prepared (reasons in {summary.BadPath}); check the files with jepa index or prepare others.");
            return 0;
        }, ct));
        return command;
    }

    private static void Summarise(PrepareSummary s, TimeSpan elapsed)
    {
        var results = s.Results;
        int prepared = results.Count(r => r.Outcome == PrepareOutcome.Prepared);
        int redone = results.Count(r => r.Redone);
        int skipped = results.Count(r => r.Outcome == PrepareOutcome.Skipped);
        var bad = results.Where(r => r.Outcome == PrepareOutcome.Bad).ToList();
        var ok = results.Where(r => r.Record is not null && r.Outcome != PrepareOutcome.Bad).ToList();
        int segments = ok.Sum(r => r.Record!.Segments.Count);
        double seconds = ok.Sum(r => r.Record!.Segments.Sum(x => x.DurationS));
        string length = seconds >= 3600 ? $"{seconds / 3600:F2} h" : seconds >= 60 ? $"{seconds / 60:F1} min" : $"{seconds:F1} s";
        string redoneText = redone > 0 ? $" ({redone} redone: source or settings changed)" : "";
        Console.WriteLine($"Prepared {prepared}{redoneText}, skipped {skipped} already prepared, {bad.Count} bad, in {elapsed.TotalSeconds:F1} s; {s.ManifestPath} lists {segments} videos ({length} of video) from {ok.Count} sources");
        if (s.LeftoversRemoved > 0)
            Console.WriteLine($"  removed {s.LeftoversRemoved} unfinished outputs of an interrupted run");
        if (s.Orphans > 0)
            Console.WriteLine($"  {s.Orphans} folders under videos/ belong to no source given now; left in place, not in the manifest");
        foreach (var g in bad.GroupBy(r => Kind(r.Reason ?? "")).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  bad, {g.Key}: {g.Count()}");
        foreach (var r in bad.Take(BadShown))
            Console.WriteLine($"  {r.Entry.Path}: {r.Reason}");
        if (bad.Count > BadShown)
            Console.WriteLine($"  … and {bad.Count - BadShown} more (in {s.BadPath})");
        if (bad.Count > 0)
            Console.WriteLine($"  bad sources and reasons: {s.BadPath}");
    }

    // "cannot decode: moov atom not found" and "too short for one clip (0.5 s …)" count by their kind.
    private static string Kind(string reason) => reason.Split([':', '('], 2)[0].Trim();
}
