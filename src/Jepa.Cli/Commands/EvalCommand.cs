using System.CommandLine;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Training;
using Serilog;
using TorchSharp;

namespace Jepa.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var task = new Option<string>("--task") { Description = "What to evaluate: predict (held-out videos), voe (a path,group,plausible CSV), probe (labelled videos), all (predict, then voe and probe where --voe-data and --probe-data are given).", DefaultValueFactory = _ => "predict" };
        var data = new Option<string?>("--data") { Description = "predict and all: held-out videos (folder, glob or manifest; default: the run's data.val); voe: the CSV; probe: labelled videos." };
        var voeData = new Option<string?>("--voe-data") { Description = "all only: the voe CSV (path,group,plausible)." };
        var probeData = new Option<string?>("--probe-data") { Description = "all only: labelled videos for the probes." };
        var output = new Option<string?>("--out") { Description = "Report folder (default: <run>/eval)." };
        var labels = new Option<string?>("--labels") { Description = "probe and all: comma-separated label columns (default: label and every column with 2 to 20 classes)." };
        var minContext = new Option<int>("--min-context") { Description = "voe only: frames a prediction must have seen for its frame to be scored.", DefaultValueFactory = _ => 3 };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("eval", "Evaluate a checkpoint; writes report.json and report.html.")
            { checkpoint, task, data, voeData, probeData, labels, minContext, output, device };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            string t = parse.GetValue(task)!;
            if (t is not ("predict" or "voe" or "probe" or "all"))
                throw new UsageException($"--task '{t}' is not known; the tasks are: predict, voe, probe, all.");
            string? voeCsv = parse.GetValue(voeData), probeSpec = parse.GetValue(probeData);
            if (t != "all" && (voeCsv ?? probeSpec) is not null)
                throw new UsageException($"{(voeCsv is not null ? "--voe-data" : "--probe-data")} is for --task all; with --task {t} give the data as --data.");
            if (t == "voe") voeCsv = parse.GetValue(data);
            if (t == "probe") probeSpec = parse.GetValue(data);
            if (t is "voe" && voeCsv is null || t is "probe" && probeSpec is null)
                throw new UsageException($"--task {t} needs --data: {(t == "voe" ? "a CSV with columns path,group,plausible" : "labelled videos (a manifest with label columns or a folder per class)")}.");
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var ckpt = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var dev = Devices.Resolve(parse.GetValue(device)!, "--device");
            Devices.SetThreads(0);
            var (header, model) = Checkpoint.LoadModel(ckpt, dev);
            using (model)
            {
                int context = parse.GetValue(minContext);
                if (voeCsv is not null && (context < 1 || context >= model.Frames))
                    throw new UsageException($"--min-context {context} is out of range for this checkpoint; give 1 to {model.Frames - 1} (its model sees {model.Frames} frames).");
                var run = new EvalRun(model, header, dev, parse.GetValue(output) ?? DefaultOutDir(ckpt), log, token);
                if (t is "predict" or "all")
                    await Predict(run, parse.GetValue(data));
                if (voeCsv is not null)
                    await Voe(run, voeCsv, context);
                if (probeSpec is not null)
                {
                    var names = parse.GetValue(labels)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    await Probe(run, probeSpec, names);
                }
                var skipped = new[] { (Data: voeCsv, Task: "voe", Option: "--voe-data CSV"), (Data: probeSpec, Task: "probe", Option: "--probe-data LABELLED") }
                    .Where(s => s.Data is null).ToList();
                if (t == "all" && skipped.Count > 0)
                    log.Information("Not run: {Tasks} (give {Options})", string.Join(" and ", skipped.Select(s => s.Task)), string.Join(" and ", skipped.Select(s => s.Option)));
                Console.WriteLine($"Report: {Path.Combine(run.OutDir, "report.json")} and {ReportHtml.Write(run.OutDir)}");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>What every task of one eval shares: the checkpoint's model, where the report goes.</summary>
    private sealed record EvalRun(HJepa Model, CheckpointHeader Header, torch.Device Device, string OutDir, ILogger Log, CancellationToken Token)
    {
        public JepaConfig Config => Header.Config;
        public string ReportPath => Path.Combine(OutDir, "report.json");
    }

    private static async Task Predict(EvalRun run, string? data)
    {
        var config = run.Config;
        string spec = data ?? config.Data.Val;
        var corpus = await Corpus.LoadAsync(spec, data is null ? "data.val" : "--data", config.Data, run.Log, run.Token);
        var clips = EvalClips.Select(corpus, config.Data.Frames, config.Eval.Clips);
        run.Log.Information("Evaluating step {Step} on {Clips} clips from {Videos} videos in {Spec}", run.Header.Step, clips.Count, corpus.Videos.Count, spec);
        var report = PredictEvaluator.Evaluate(run.Model, corpus, clips, config.Eval.BatchSize, run.Header.Step, run.Device);
        ReportWriter.Merge(run.ReportPath, report);
        Console.Write(ReportWriter.Table(report));
    }

    private static async Task Voe(EvalRun run, string csv, int minContext)
    {
        var voeClips = VoeSet.Read(csv);
        using var untrained = RandomModel(run);
        run.Log.Information("Scoring {Clips} voe clips with step {Step} and an untrained model", voeClips.Count, run.Header.Step);
        var curvesCsv = Path.Combine(run.OutDir, "voe_surprise.csv");
        var voe = await VoeEvaluator.EvaluateAsync(run.Model, untrained, voeClips, run.Config.Data.Fps, run.Config.Eval.BatchSize, run.Device, minContext, curvesCsv, run.Token);
        ReportWriter.Merge(run.ReportPath, voe);
        Console.Write(VoeEvaluator.Table(voe.Voe));
        Console.WriteLine($"Surprise of every clip per frame: {curvesCsv}");
    }

    private static async Task Probe(EvalRun run, string spec, string[]? names)
    {
        var config = run.Config;
        var set = await ProbeSet.LoadAsync(spec, names, config.Data.Frames, config.Data.Fps, config.Data.Size, config.Seed, run.Token);
        using var random = RandomModel(run);
        run.Log.Information("Probing {Labels} on {Clips} clips with step {Step} and a random model", string.Join(", ", set.Labels.Select(l => l.Name)), set.Clips.Count, run.Header.Step);
        var probe = ProbeEvaluator.Evaluate(run.Model, random, set, config.Eval.BatchSize, config.Seed, run.Device);
        ReportWriter.Merge(run.ReportPath, probe);
        Console.Write(ProbeEvaluator.Table(probe.Probe));
    }

    /// <summary>The baseline every figure stands beside: the same architecture, randomly initialised with the run's seed.</summary>
    private static HJepa RandomModel(EvalRun run)
    {
        torch.manual_seed(run.Config.Seed);
        var model = new HJepa(run.Model.Spec, run.Model.Size, run.Model.Frames);
        model.to(run.Device);
        return model;
    }

    /// <summary>runs/x/checkpoints/latest.ckpt → runs/x/eval; a checkpoint elsewhere → eval/ beside it.</summary>
    private static string DefaultOutDir(string checkpoint)
    {
        var dir = Path.GetDirectoryName(checkpoint)!;
        if (Path.GetFileName(dir) == "checkpoints") dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, "eval");
    }
}
