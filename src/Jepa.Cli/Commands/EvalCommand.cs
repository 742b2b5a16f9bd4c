using System.CommandLine;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Training;

namespace Jepa.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var task = new Option<string>("--task") { Description = "What to evaluate: predict.", DefaultValueFactory = _ => "predict" };
        var data = new Option<string?>("--data") { Description = "Held-out videos (folder, glob or manifest); default: the run's data.val." };
        var output = new Option<string?>("--out") { Description = "Report folder (default: <run>/eval)." };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("eval", "Evaluate a checkpoint; writes report.json.") { checkpoint, task, data, output, device };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            string t = parse.GetValue(task)!;
            if (t is not ("predict" or "all"))
                throw new UsageException($"--task '{t}' is not built yet; the tasks today are: predict, all.");
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var ckpt = Path.GetFullPath(parse.GetValue(checkpoint)!);
            var dev = Devices.Resolve(parse.GetValue(device)!);
            Devices.SetThreads(0);
            var (header, model) = Checkpoint.LoadModel(ckpt, dev);
            using (model)
            {
                var config = header.Config;
                string spec = parse.GetValue(data) ?? config.Data.Val;
                var corpus = await Corpus.LoadAsync(spec, parse.GetValue(data) is null ? "data.val" : "--data", config.Data, log, token);
                var clips = EvalClips.Select(corpus, config.Data.Frames, config.Eval.Clips);
                log.Information("Evaluating step {Step} on {Clips} clips from {Videos} videos in {Spec}", header.Step, clips.Count, corpus.Videos.Count, spec);
                var report = PredictEvaluator.Evaluate(model, corpus, clips, config.Eval.BatchSize, header.Step, dev);
                var outDir = parse.GetValue(output) ?? DefaultOutDir(ckpt);
                var path = ReportWriter.Merge(Path.Combine(outDir, "report.json"), report);
                Console.Write(ReportWriter.Table(report));
                Console.WriteLine($"Report: {path}");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>runs/x/checkpoints/latest.ckpt → runs/x/eval; a checkpoint elsewhere → eval/ beside it.</summary>
    private static string DefaultOutDir(string checkpoint)
    {
        var dir = Path.GetDirectoryName(checkpoint)!;
        if (Path.GetFileName(dir) == "checkpoints") dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, "eval");
    }
}
