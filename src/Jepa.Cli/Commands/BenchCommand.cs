using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Jepa.Config;
using Jepa.Data;
using Jepa.Video;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa bench data</c>: the loader's decode throughput next to raw ffmpeg's on the same clips, and to the decoder's limit.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Experiment YAML whose clip settings (data.frames, fps, size, crop) and batch size are used." };
        var set = new Option<string[]>("--set") { Description = "Override a config key (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var sources = new Argument<string[]>("DATA") { Description = "Raw source videos: folders, globs or manifests (default: --data, else data.train).", Arity = ArgumentArity.ZeroOrMore };
        var data = new Option<string?>("--data") { Description = "Videos to decode (default: data.train)." };
        var prepared = new Option<string?>("--prepared") { Description = "A prepared corpus (folder or manifest.csv from jepa prepare) measured beside the raw sources in the same run." };
        var seconds = new Option<double>("--seconds") { Description = "Seconds each measurement runs.", DefaultValueFactory = _ => 10 };
        var workers = new Option<int?>("--workers") { Description = "Largest number of decode workers to try (default: data.workers, or one per core)." };
        var maxVideos = new Option<int>("--max-videos") { Description = "Probe at most this many videos (the first in path order).", DefaultValueFactory = _ => 200 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };

        var dataCommand = new Command("data", "Decode clips with the training config for a fixed time: the per-clip and the span loader with 1..N workers, on raw sources and a prepared corpus, against the raw ffmpeg command and the decoder's limit (cores × continuous decode fps ÷ frames decoded per clip).")
        {
            sources, config, set, data, prepared, seconds, workers, maxVideos, json,
        };
        dataCommand.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var cfg = ConfigLoader.Load(parse.GetValue(config), parse.GetValue(set) ?? []);
            ConfigValidator.Validate(cfg, parse.GetValue(config) ?? "the built-in defaults");
            double secs = parse.GetValue(seconds);
            int n = parse.GetValue(workers) ?? TrainingData.WorkersFor(cfg.Data);
            int cap = parse.GetValue(maxVideos);
            if (secs <= 0 || n < 1 || cap < 1)
                throw new UsageException("--seconds must be more than 0, and --workers and --max-videos at least 1.");
            var given = parse.GetValue(sources) ?? [];
            var (key, specs) = given.Length > 0 ? ("DATA", given) : parse.GetValue(data) is { } one ? ("--data", new[] { one }) : ("data.train", new[] { cfg.Data.Train });

            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var d = cfg.Data;
            var options = new IndexOptions(d.Frames / d.Fps, d.Fps, d.ShortVideos == "pad", n, TimeSpan.FromSeconds(d.DecodeTimeoutS));
            async Task<List<(string, double)>> Usable(string k, IEnumerable<string> list)
            {
                var entries = list.SelectMany(s => Corpus.Resolve(s, k)).Take(cap).ToList();
                var rows = entries.All(e => VideoList.IndexedDuration(e) is not null)
                    ? entries.Select(e => (e.Path, VideoList.IndexedDuration(e)!.Value)).ToList()
                    : (await VideoIndex.BuildAsync(entries, options, null, null, token)).Where(r => r.IsOk).Select(r => (r.Path, r.DurationS)).ToList();
                if (rows.Count == 0)
                    throw new UsageException($"{k}: none of the {entries.Count} videos is usable; run jepa index on them to see why.");
                return rows;
            }
            var raw = await Usable(key, specs);
            var ready = parse.GetValue(prepared) is { } p ? await Usable("--prepared", [p]) : null;

            var result = await DataBench.RunAsync(raw, cfg, n, secs, log, token, ready);
            Console.WriteLine(parse.GetValue(json) ? Json(result) : Table(result));
            return 0;
        }, ct));

        return new Command("bench", "Measure parts of jepa on this machine.") { dataCommand, BenchTrainCommand.Create() };
    }

    private static string Table(DataBenchResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Format(c, "Decoding {0}-frame clips at {1} fps, {2}×{2} px, from {3} videos, {4:0.#} s per row:", r.Frames, r.Fps, r.Size, r.Videos, r.Seconds),
            "  what               workers   frames/s    clips/s   ratio  decoded/frame  CPU-s/clip  limit clips/s  efficiency",
            string.Format(c, "  raw ffmpeg         {0,7} {1,10:F0} {2,10:F1} {3,7:F2}", 1, r.FfmpegFramesPerS, r.FfmpegFramesPerS / r.Frames, 1.0),
        };
        lines.AddRange(r.Loader.Select(l => string.Format(c, "  jepa loader        {0,7} {1,10:F0} {2,10:F1} {3,7:F2} {4,14:F2} {5,11} {6,14:F1} {7,11:F3}",
            l.Workers, l.FramesPerS, l.ClipsPerS, l.Ratio, l.DecodedPerDelivered, l.CpuSPerClip?.ToString("F4", c) ?? "n/a", l.LimitClipsPerS, l.Efficiency)));
        lines.Add(string.Format(c, "continuous decode: {0:F0} frames per CPU-second ({1} frames); limit = {2} cores × that ÷ frames decoded per clip", r.Continuous.FramesPerCpuS, r.Continuous.Frames, r.Cores));
        if (r.Corpora is { } corpora)
        {
            lines.Add(string.Format(c, "Both loaders, batch {0}, spans of {1} clips ({2} frames); decode threads per worker, one ffmpeg process each (data.decode_threads); core eff. counts min(workers × threads, cores) cores, CPU eff. = decode CPU ÷ loader CPU:", r.BatchSize, r.ClipsPerSpan, r.ClipsPerSpan * r.Frames));
            lines.Add("  corpus    loader  workers threads   frames/s    clips/s  decoded/frame  CPU-s/clip  limit clips/s  efficiency  core eff.  CPU eff.");
            foreach (var k in corpora)
                foreach (var l in k.Rows)
                    lines.Add(string.Format(c, "  {0,-9} {1,-6} {2,8} {3,7} {4,10:F0} {5,10:F2} {6,14:F3} {7,11} {8,14:F2} {9,11:F3} {10,10:F3} {11,9}",
                        k.Name, l.Loader, l.Workers, l.DecodeThreads, l.FramesPerS, l.ClipsPerS, l.DecodedPerDelivered, l.CpuSPerClip?.ToString("F4", c) ?? "n/a",
                        l.LimitClipsPerS, l.Efficiency, l.CoreEfficiency, l.CpuEfficiency?.ToString("F3", c) ?? "n/a"));
            foreach (var k in corpora)
                lines.Add(string.Format(c, "continuous decode of the {0} corpus ({1} videos): {2:F0} frames per CPU-second: {3}", k.Name, k.Videos, k.Continuous.FramesPerCpuS, k.Continuous.Command));
            if (r.Speedup is { } x)
                lines.Add(string.Format(c, "speedup: the span loader on the {0} corpus gives {1:F1}× the clips/s of the per-clip loader on the raw sources (best rows)", corpora[^1].Name, x));
        }
        lines.Add("raw ffmpeg, once per clip, one at a time: " + r.FfmpegCommand);
        lines.Add("continuous decode, per video: " + r.Continuous.Command);
        if (r.LoadStart is { } l0 && r.LoadEnd is { } l1)
            lines.Add(string.Format(c, "load average: {0:F2} at the start, {1:F2} at the end (clips/s and efficiency are wall-clock; CPU-s/clip and CPU eff. do not depend on the load)", l0, l1));
        return string.Join(Environment.NewLine, lines);
    }

    // The ffmpeg command is shell-quoted and paths may be non-ASCII: the default encoder would print ' as \u0027.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(DataBenchResult r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["videos"] = r.Videos,
        ["frames"] = r.Frames,
        ["fps"] = r.Fps,
        ["size"] = r.Size,
        ["seconds"] = r.Seconds,
        ["loader_fps"] = Math.Round(r.LoaderFramesPerS, 1),
        ["ffmpeg_fps"] = Math.Round(r.FfmpegFramesPerS, 1),
        ["ratio"] = Math.Round(r.Ratio, 3),
        ["ffmpeg_command"] = r.FfmpegCommand,
        ["cores"] = r.Cores,
        ["continuous_fps"] = Math.Round(r.Continuous.FramesPerCpuS, 1),
        ["continuous_command"] = r.Continuous.Command,
        ["limit_clips_per_s"] = Math.Round(r.Best.LimitClipsPerS, 3),
        ["efficiency"] = Math.Round(r.Best.Efficiency, 4),
        ["workers"] = r.Loader.Select(l => new Dictionary<string, object?>
        {
            ["workers"] = l.Workers,
            ["loader_fps"] = Math.Round(l.FramesPerS, 1),
            ["clips_per_s"] = Math.Round(l.ClipsPerS, 2),
            ["ratio"] = Math.Round(l.Ratio, 3),
            ["decoded_per_delivered"] = Math.Round(l.DecodedPerDelivered, 3),
            ["cpu_s_per_clip"] = l.CpuSPerClip is { } cpu ? Math.Round(cpu, 5) : null,
            ["limit_clips_per_s"] = Math.Round(l.LimitClipsPerS, 3),
            ["efficiency"] = Math.Round(l.Efficiency, 4),
        }).ToList(),
        ["batch_size"] = r.BatchSize,
        ["clips_per_span"] = r.ClipsPerSpan,
        ["speedup"] = r.Speedup is { } x ? Math.Round(x, 2) : null,
        ["load_average_start"] = r.LoadStart,
        ["load_average_end"] = r.LoadEnd,
        ["corpora"] = r.Corpora?.Select(k => new Dictionary<string, object?>
        {
            ["name"] = k.Name,
            ["videos"] = k.Videos,
            ["continuous_fps"] = Math.Round(k.Continuous.FramesPerCpuS, 1),
            ["continuous_command"] = k.Continuous.Command,
            ["limit_clips_per_s"] = Math.Round(k.Best.LimitClipsPerS, 3),
            ["efficiency"] = Math.Round(k.Best.Efficiency, 4),
            ["rows"] = k.Rows.Select(Row).ToList(),
        }).ToList(),
    }, JsonOptions);

    private static Dictionary<string, object?> Row(LoaderSpeed l) => new()
    {
        ["loader"] = l.Loader,
        ["workers"] = l.Workers,
        ["decode_threads"] = l.DecodeThreads,
        ["loader_fps"] = Math.Round(l.FramesPerS, 1),
        ["clips_per_s"] = Math.Round(l.ClipsPerS, 2),
        ["ratio"] = Math.Round(l.Ratio, 3),
        ["decoded_per_delivered"] = Math.Round(l.DecodedPerDelivered, 3),
        ["cpu_s_per_clip"] = l.CpuSPerClip is { } cpu ? Math.Round(cpu, 5) : null,
        ["limit_clips_per_s"] = Math.Round(l.LimitClipsPerS, 3),
        ["efficiency"] = Math.Round(l.Efficiency, 4),
        ["core_efficiency"] = Math.Round(l.CoreEfficiency, 4),
        ["cpu_efficiency"] = l.CpuEfficiency is { } e ? Math.Round(e, 4) : null,
        ["ffmpeg_cpu_s_per_clip"] = l.FfmpegCpuSPerClip is { } f ? Math.Round(f, 5) : null,
    };
}
