using System.CommandLine;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Training;
using TorchSharp;

namespace Jepa.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var task = new Option<string>("--task") { Description = "What to evaluate: predict (held-out videos), voe (a path,group,plausible CSV), probe (labelled videos), all (predict).", DefaultValueFactory = _ => "predict" };
        var data = new Option<string?>("--data") { Description = "Held-out videos (folder, glob or manifest); default: the run's data.val." };
        var output = new Option<string?>("--out") { Description = "Report folder (default: <run>/eval)." };
        var labels = new Option<string?>("--labels") { Description = "probe only: comma-separated label columns (default: label and every column with 2 to 20 classes)." };
        var minContext = new Option<int>("--min-context") { Description = "voe only: frames a prediction must have seen for its frame to be scored.", DefaultValueFactory = _ => 3 };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("eval", "Evaluate a checkpoint; writes report.json.") { checkpoint, task, data, labels, minContext, output, device };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            string t = parse.GetValue(task)!;
            if (t is not ("predict" or "voe" or "probe" or "all"))
                throw new UsageException($"--task '{t}' is not known; the tasks are: predict, voe, probe, all.");
            if (t is "voe" or "probe" && parse.GetValue(data) is null)
                throw new UsageException($"--task {t} needs --data: {(t == "voe" ? "a CSV with columns path,group,plausible" : "labelled videos (a manifest with label columns or a folder per class)")}.");
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var ckpt = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var dev = Devices.Resolve(parse.GetValue(device)!);
            Devices.SetThreads(0);
            var (header, model) = Checkpoint.LoadModel(ckpt, dev);
            using (model)
            {
                var config = header.Config;
                var outDir = parse.GetValue(output) ?? DefaultOutDir(ckpt);
                var reportPath = Path.Combine(outDir, "report.json");
                if (t == "voe")
                {
                    int context = parse.GetValue(minContext);
                    if (context < 1 || context >= model.Frames)
                        throw new UsageException($"--min-context {context} is out of range for this checkpoint; give 1 to {model.Frames - 1} (its model sees {model.Frames} frames).");
                    var voeClips = VoeSet.Read(parse.GetValue(data)!);
                    using var untrained = RandomModel(model, config, dev);
                    log.Information("Scoring {Clips} voe clips with step {Step} and an untrained model", voeClips.Count, header.Step);
                    var curvesCsv = Path.Combine(outDir, "voe_surprise.csv");
                    var voe = await VoeEvaluator.EvaluateAsync(model, untrained, voeClips, config.Data.Fps, config.Eval.BatchSize, dev, context, curvesCsv, token);
                    ReportWriter.Merge(reportPath, voe);
                    Console.Write(VoeEvaluator.Table(voe.Voe));
                    Console.WriteLine($"Surprise of every clip per frame: {curvesCsv}");
                    Console.WriteLine($"Report: {reportPath} and {ReportHtml.Write(outDir)}");
                    return 0;
                }
                if (t == "probe")
                {
                    var names = parse.GetValue(labels)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var set = await ProbeSet.LoadAsync(parse.GetValue(data)!, names, config.Data.Frames, config.Data.Fps, config.Data.Size, config.Seed, token);
                    using var random = RandomModel(model, config, dev);
                    log.Information("Probing {Labels} on {Clips} clips with step {Step} and a random model", string.Join(", ", set.Labels.Select(l => l.Name)), set.Clips.Count, header.Step);
                    var probe = ProbeEvaluator.Evaluate(model, random, set, config.Eval.BatchSize, config.Seed, dev);
                    ReportWriter.Merge(reportPath, probe);
                    Console.Write(ProbeEvaluator.Table(probe.Probe));
                    Console.WriteLine($"Report: {reportPath} and {ReportHtml.Write(outDir)}");
                    return 0;
                }
                string spec = parse.GetValue(data) ?? config.Data.Val;
                var corpus = await Corpus.LoadAsync(spec, parse.GetValue(data) is null ? "data.val" : "--data", config.Data, log, token);
                var clips = EvalClips.Select(corpus, config.Data.Frames, config.Eval.Clips);
                log.Information("Evaluating step {Step} on {Clips} clips from {Videos} videos in {Spec}", header.Step, clips.Count, corpus.Videos.Count, spec);
                var report = PredictEvaluator.Evaluate(model, corpus, clips, config.Eval.BatchSize, header.Step, dev);
                var path = ReportWriter.Merge(reportPath, report);
                Console.Write(ReportWriter.Table(report));
                Console.WriteLine($"Report: {path} and {ReportHtml.Write(outDir)}");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>The baseline every figure stands beside: the same architecture, randomly initialised with the run's seed.</summary>
    private static Models.HJepa RandomModel(Models.HJepa trained, JepaConfig config, TorchSharp.torch.Device device)
    {
        TorchSharp.torch.manual_seed(config.Seed);
        var model = new Models.HJepa(trained.Spec, trained.Size, trained.Frames);
        model.to(device);
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
