using System.CommandLine;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Planning;
using Jepa.Training;
using Serilog;
using TorchSharp;

namespace Jepa.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var task = new Option<string>("--task") { Description = "What to evaluate: predict (held-out videos), voe (a path,group,plausible CSV), probe (labelled videos), all (predict, then voe and probe where --voe-data and --probe-data are given), plan (model-predictive control in the rooms world; an action-conditioned checkpoint).", DefaultValueFactory = _ => "predict" };
        var data = new Option<string?>("--data") { Description = "predict and all: held-out videos (folder, glob or manifest; default: the run's data.val); voe: the CSV; probe: labelled videos." };
        var voeData = new Option<string?>("--voe-data") { Description = "all only: the voe CSV (path,group,plausible)." };
        var probeData = new Option<string?>("--probe-data") { Description = "all only: labelled videos for the probes." };
        var output = new Option<string?>("--out") { Description = "Report folder (default: <run>/eval). A report there of this checkpoint gains the new sections; one of another checkpoint is refused." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start a fresh report in --out: remove the report, plots, pictures and voe_surprise.csv of whichever checkpoint is there (nothing else)." };
        var labels = new Option<string?>("--labels") { Description = "probe and all: comma-separated label columns (default: label and every column with 2 to 20 classes)." };
        var selectOn = new Option<string?>("--select-on") { Description = "voe and all: another voe CSV on which the level and statistic are chosen in advance (the row where the model beats its untrained twin by the most); report.json's voe.selected gives their figures on the test set, and voe.selected.per_event each event scored by the row chosen the same way for that event." };
        var select = new Option<string?>("--select") { Description = "voe and all: the level and statistic chosen in advance, as LEVEL:STATISTIC, e.g. 1:token_mean_time_max." };
        var minContext = new Option<int>("--min-context") { Description = "voe only: frames a prediction must have seen for its frame to be scored.", DefaultValueFactory = _ => 3 };
        var horizons = new Option<int>("--surprise-horizons") { Description = "voe only: a frame's surprise is the mean error of its predictions from 1..N steps back (each level capped at the horizons it was trained with: model.horizon, model.level2_horizon); 1 = the next-step error.", DefaultValueFactory = _ => 1 };
        var episodes = new Option<int>("--episodes") { Description = "plan only: episodes, each with start and goal in different rooms.", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "plan only: seed of the episodes and of the search.", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };
        var progress = ProgressBar.Option();
        var planSet = CliOptions.PlanSet();

        var command = new Command("eval", "Evaluate a checkpoint; writes report.json and report.html.")
            { checkpoint, task, data, voeData, probeData, labels, minContext, horizons, selectOn, select, episodes, seed, planSet, output, overwrite, device, progress };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            string t = parse.GetValue(task)!;
            if (t is not ("predict" or "voe" or "probe" or "all" or "plan"))
                throw new UsageException($"--task '{t}' is not known; the tasks are: predict, voe, probe, all, plan.");
            if (t != "plan" && (parse.GetResult(episodes) ?? parse.GetResult(seed)) is { Implicit: false } planOnly)
                throw new UsageException($"{planOnly.Option.Name} is for --task plan.");
            var planSets = parse.GetValue(planSet) ?? [];
            if (t != "plan" && planSets.Length > 0)
                throw new UsageException("--set is for --task plan (plan.* settings); the other tasks use the checkpoint's config as it is.");
            if (t == "plan" && parse.GetValue(episodes) < 1)
                throw new UsageException($"--episodes {parse.GetValue(episodes)} must be at least 1.");
            if (t == "plan" && parse.GetValue(data) is not null)
                throw new UsageException("--task plan reads no videos: it steps the rooms world itself; leave out --data.");
            string? voeCsv = parse.GetValue(voeData), probeSpec = parse.GetValue(probeData);
            if (t != "all" && (voeCsv ?? probeSpec) is not null)
                throw new UsageException($"{(voeCsv is not null ? "--voe-data" : "--probe-data")} is for --task all; with --task {t} give the data as --data.");
            if (t == "voe") voeCsv = parse.GetValue(data);
            if (t == "probe") probeSpec = parse.GetValue(data);
            if (t is "voe" && voeCsv is null || t is "probe" && probeSpec is null)
                throw new UsageException($"--task {t} needs --data: {(t == "voe" ? "a CSV with columns path,group,plausible" : "labelled videos (a manifest with label columns or a folder per class)")}.");
            var choice = Choice(parse.GetValue(select), parse.GetValue(selectOn), voeCsv);
            var mode = ProgressBar.ParseMode(parse.GetValue(progress));
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var (ckpt, dev, header, model) = CliOptions.LoadModel(parse.GetValue(checkpoint)!, parse.GetValue(device)!);
            using (model)
            {
                var planSettings = t == "plan" ? CliOptions.PlanSettings(header.Config, planSets) : null; // a bad --set fails before the report folder is touched
                if (voeCsv is not null && choice is null && parse.GetValue(selectOn) is null && header.Config.Eval.VoeSelect is { } fixedInConfig)
                    choice = ConfigChoice(fixedInConfig);
                int context = parse.GetValue(minContext);
                if (voeCsv is not null && (context < 1 || context >= model.Frames))
                    throw new UsageException($"--min-context {context} is out of range for this checkpoint; give 1 to {model.Frames - 1} (its model sees {model.Frames} frames).");

                int surpriseHorizons = parse.GetValue(horizons);
                if (surpriseHorizons < 1)
                    throw new UsageException($"--surprise-horizons {surpriseHorizons} must be at least 1 (1 scores each frame by its next-step prediction).");

                // Outputs, then inputs, are checked before any model runs: nothing is thrown away at the end.
                var outDir = OutputPaths.Folder(parse.GetValue(output) ?? DefaultOutDir(ckpt), "--out");
                var identity = ReportCheckpoint.Of(ckpt, header.Step);
                bool fresh = parse.GetValue(overwrite);
                if (!fresh)
                    ReportWriter.CheckTarget(Path.Combine(outDir, "report.json"), identity);
                var names = parse.GetValue(labels)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var sources = new EvalSources(t is "predict" or "all", t is "predict" or "all" ? parse.GetValue(data) : null, voeCsv, probeSpec, names, t == "all");
                using var bars = new StageBars(mode, "eval");
                var inputs = await EvalInputs.LoadAsync(sources, header.Config, log, token, bars);
                bars.Finish();
                var selection = parse.GetValue(selectOn) is { } on ? VoeSet.Read(on, "--select-on") : null;
                ReportWriter.Prepare(outDir, identity, fresh);

                var run = new EvalRun(model, header, identity, dev, outDir, log, bars, token);
                if (inputs.Predict is not null)
                    Predict(run, inputs.Predict, inputs.PredictSpec!);
                if (inputs.Voe is not null)
                    await Voe(run, inputs.Voe, context, choice, selection, parse.GetValue(selectOn), surpriseHorizons);
                if (inputs.Probe is not null)
                    Probe(run, inputs.Probe);
                if (t == "plan")
                    Plan(run, planSettings!, parse.GetValue(episodes), parse.GetValue(seed));
                var skipped = new[] { (Data: voeCsv, Task: "voe", Option: "--voe-data CSV"), (Data: probeSpec, Task: "probe", Option: "--probe-data LABELLED") }
                    .Where(s => s.Data is null).ToList();
                if (t == "all" && skipped.Count > 0)
                    log.Information("Not run: {Tasks} (give {Options})", string.Join(" and ", skipped.Select(s => s.Task)), string.Join(" and ", skipped.Select(s => s.Option)));
                Console.WriteLine($"Report: {run.ReportPath} and {ReportHtml.Write(run.OutDir)}");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>What every task of one eval shares: the checkpoint's model, where the report goes.</summary>
    private sealed record EvalRun(HJepa Model, CheckpointHeader Header, ReportCheckpoint Identity, torch.Device Device, string OutDir, ILogger Log,
        StageBars Bars, CancellationToken Token)
    {
        public JepaConfig Config => Header.Config;
        public string ReportPath => Path.Combine(OutDir, "report.json");
    }

    private static void Predict(EvalRun run, Corpus corpus, string spec)
    {
        var config = run.Config;
        var clips = EvalClips.Select(corpus, config.Data.Frames, config.Eval.Clips);
        run.Log.Information("Evaluating step {Step} on {Clips} clips from {Videos} videos in {Spec}", run.Header.Step, clips.Count, corpus.Videos.Count, spec);
        var report = PredictEvaluator.Evaluate(run.Model, corpus, clips, config.Eval.BatchSize, run.Header.Step, run.Device, run.OutDir, config.Data.Fps, run.Bars);
        run.Bars.Finish();
        ReportWriter.Merge(run.ReportPath, report, run.Identity);
        Console.Write(ReportWriter.Table(report));
    }

    private static async Task Voe(EvalRun run, IReadOnlyList<VoeClip> voeClips, int minContext, VoeChoice? choice, IReadOnlyList<VoeClip>? selection, string? selectionCsv,
        int horizons)
    {
        using var untrained = RandomModel(run);
        if (selection is not null)
        {
            // The level and statistic are chosen on another set, never on the one reported.
            run.Log.Information("Choosing the level and statistic on {Clips} voe clips of {Csv}", selection.Count, selectionCsv);
            var chosen = await VoeEvaluator.EvaluateAsync(run.Model, untrained, selection, run.Config.Data.Fps, run.Config.Eval.BatchSize, run.Device, minContext, null, run.Token, progress: run.Bars, horizons: horizons);
            run.Bars.Finish();
            // Chosen by the margin over the untrained model there, not by accuracy alone (VoeEvaluator.SelectionOrder).
            var row = chosen.Voe.Chosen();
            choice = new VoeChoice(row.Level, row.Statistic,
                $"largest margin over the untrained model on {selectionCsv}: {row.RelativeAccuracy:F3} against {row.UntrainedRelativeAccuracy:F3}", chosen.Voe.PickPerEvent());
        }
        run.Log.Information("Scoring {Clips} voe clips with step {Step} and an untrained model", voeClips.Count, run.Header.Step);
        if (horizons > 1 && voeClips.Any(c => c.Balanced))
            run.Log.Warning("--surprise-horizons {Horizons} with balanced groups: a prediction from several frames back spans the splice of a balanced set's clips, so those groups are no longer balanced (measured: an untrained model scored 1.00 on vanish_behind and 0.00 on reappear_time); use 1 to score them", horizons);
        var curvesCsv = Path.Combine(run.OutDir, "voe_surprise.csv");
        var voe = await VoeEvaluator.EvaluateAsync(run.Model, untrained, voeClips, run.Config.Data.Fps, run.Config.Eval.BatchSize, run.Device, minContext, curvesCsv, run.Token, choice, run.OutDir, run.Bars, horizons);
        run.Bars.Finish();
        ReportWriter.Merge(run.ReportPath, voe, run.Identity);
        Console.Write(VoeEvaluator.Table(voe.Voe));
        Console.WriteLine($"Surprise of every clip per frame: {curvesCsv}");
    }

    private static void Plan(EvalRun run, PlanConfig plan, int episodes, int seed)
    {
        run.Log.Information("Planning {Episodes} episodes in the rooms world with step {Step} (seed {Seed})", episodes, run.Header.Step, seed);
        // One progress line per episode: the bar counts them.
        int done = 0;
        run.Bars.Report(new WorkProgress("plan", 0, episodes, "episodes"));
        var report = PlanEvaluator.Evaluate(run.Model, plan, episodes, seed, run.Device, run.OutDir, line =>
        {
            run.Log.Information("{Line}", line);
            run.Bars.Report(new WorkProgress("plan", ++done, episodes, "episodes"));
        }, run.Token);
        run.Bars.Finish();
        ReportWriter.Merge(run.ReportPath, report, run.Identity);
        Console.Write(PlanEvaluator.Table(report.Plan));
    }

    private static void Probe(EvalRun run, ProbeSet set)
    {
        var config = run.Config;
        using var random = RandomModel(run);
        run.Log.Information("Probing {Labels} on {Clips} clips with step {Step} and a random model", string.Join(", ", set.Labels.Select(l => l.Name)), set.Clips.Count, run.Header.Step);
        var probe = ProbeEvaluator.Evaluate(run.Model, random, set, config.Eval.BatchSize, config.Seed, run.Device, run.Bars);
        run.Bars.Finish();
        ReportWriter.Merge(run.ReportPath, probe, run.Identity);
        Console.Write(ProbeEvaluator.Table(probe.Probe));
    }

    /// <summary>eval.voe_select of the checkpoint's config as a choice (the validator checked only its form).</summary>
    private static VoeChoice ConfigChoice(string text)
    {
        var parsed = VoeEvaluator.ParseChoice(text)
            ?? throw new UsageException($"'eval.voe_select' of the checkpoint's config is '{text}', which names no voe row; give --select LEVEL:STATISTIC with one of {string.Join(", ", SurpriseCurve.Statistics)} instead.");
        return new VoeChoice(parsed.Level, parsed.Statistic, "eval.voe_select in the config");
    }

    /// <summary>--select LEVEL:STATISTIC as a choice; --select-on is checked here and chosen later, on its set.</summary>
    private static VoeChoice? Choice(string? select, string? selectOn, string? voeCsv)
    {
        if ((select ?? selectOn) is not null && voeCsv is null)
            throw new UsageException($"{(select is not null ? "--select" : "--select-on")} chooses a voe level and statistic; use it with --task voe (or all with --voe-data).");
        if (select is not null && selectOn is not null)
            throw new UsageException("--select and --select-on both choose the level and statistic; pass one of them.");
        if (selectOn is not null && Path.GetFullPath(selectOn) == Path.GetFullPath(voeCsv!))
            throw new UsageException($"--select-on names the same CSV as the test set ({selectOn}); choose on another voe set, e.g. one made with jepa synth --kind voe --seed 11.");
        if (select is null) return null;
        var parsed = VoeEvaluator.ParseChoice(select)
            ?? throw new UsageException($"--select '{select}' is not LEVEL:STATISTIC; use 1 or 2 and one of {string.Join(", ", SurpriseCurve.Statistics)}, e.g. 1:token_mean_time_max.");
        return new VoeChoice(parsed.Level, parsed.Statistic, "--select");
    }

    /// <summary>The baseline every figure stands beside: the same architecture, randomly initialised with the run's seed.</summary>
    private static HJepa RandomModel(EvalRun run)
    {
        torch.manual_seed(run.Config.Seed);
        var model = new HJepa(run.Model.Spec, run.Model.Size, run.Model.Frames, run.Model.Objective);
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
