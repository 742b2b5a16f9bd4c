using System.Diagnostics;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Models.Objectives;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>How a training run ended.</summary>
/// <param name="AlreadyComplete">true when the checkpoint resumed from had reached train.steps: nothing was trained</param>
public sealed record TrainResult(long Steps, string LatestCheckpoint, double LastLoss, bool Interrupted, long SkippedSteps, bool AlreadyComplete = false);

/// <summary>The training loop, top to bottom (STYLE.md #1).</summary>
public static class Trainer
{
    /// <summary>
    /// Trains into <paramref name="runDir"/> (config.yaml, checkpoints/, metrics.jsonl), from scratch or
    /// from <paramref name="resumeFrom"/>. On cancellation it finishes the step in flight, writes
    /// latest.ckpt and returns Interrupted. <paramref name="progress"/> gets the number of steps done,
    /// before the first step and after every step (a progress bar).
    /// </summary>
    public static async Task<TrainResult> RunAsync(JepaConfig config, string runDir, string? resumeFrom, ILogger log, CancellationToken ct, Action<long>? progress = null)
    {
        // Step 0: the machine, the seed, the run directory.
        config = Presets.WithResolvedModel(config);
        var t = config.Train;
        var device = Devices.Resolve(t.Device);
        int threads = Devices.SetThreads(t.Threads);
        var precision = Precision.Resolve(t.Precision, device);
        manual_seed(config.Seed);
        Directory.CreateDirectory(CheckpointFiles.Folder(runDir));
        await File.WriteAllTextAsync(Path.Combine(runDir, "config.yaml"), ConfigLoader.ToYaml(config), ct);
        log.Information("Device {Device}, {Precision}, {Threads} torch threads, run directory {RunDir}", device, precision.Name, threads, runDir);

        // Step 1: model and optimiser, restored from a checkpoint when resuming.
        var spec = Presets.Resolve(config.Model);
        var objective = Objective.Create(t.Objective, t.Loss);
        using var model = new HJepa(spec, config.Data.Size, config.Data.Frames, objective.Name);
        model.to(device);
        model.FlattenForEma(); // after .to(), before the optimiser: both hold on to the parameter objects
        using var optimizer = Optimizers.Create(model, t.Lr, t.WeightDecay);
        long step = 0;
        if (resumeFrom is not null)
        {
            var saved = Checkpoint.ReadHeader(resumeFrom);
            if (Checkpoint.ArchitectureDifference(saved.Config, config) is { } diff)
                throw new UsageException($"cannot resume from '{resumeFrom}': the model differs ({diff}); resume with the checkpoint's config or start a new run.");
            step = Checkpoint.Restore(resumeFrom, model, optimizer).Step;
            log.Information("Resumed from {Checkpoint} at step {Step}", resumeFrom, step);
            if (step >= t.Steps)
                return new TrainResult(step, resumeFrom, double.NaN, Interrupted: false, SkippedSteps: 0, AlreadyComplete: true);
        }
        // metrics.jsonl keeps exactly the steps before this one: a resumed run reads as one run.
        CheckpointFiles.TrimMetrics(Path.Combine(runDir, "metrics.jsonl"), step);
        long parameterCount = model.TrainableParameters().Sum(p => p.Param.numel());
        log.Information("Model {Preset}: {Parameters:N0} trainable parameters, dim {Dim}, {Tokens} tokens per frame, objective {Objective}",
            config.Model.Preset, parameterCount, spec.Dim, Encoders.Level1Tokens(spec, config.Data.Size), objective.Name);

        // Step 2: data. Decoded into memory when it fits data.cache_mb, else indexed and streamed by decode
        // workers; bad videos go to bad_videos.csv. A batch queue fills in the background from this step on.
        // Span decoders take the cores the workers leave free, except from libtorch on a CPU run.
        var data = await TrainingData.OpenAsync(config.Data, runDir, log, ct);
        int decodeThreads = TrainingData.DecodeThreadsFor(config.Data, data.Workers, trainsOnCpu: device.type == DeviceType.CPU);
        if (data.Spans is not null)
            log.Information("Span decoders: {Threads} decode threads per worker, one ffmpeg process each (data.decode_threads = {Setting})", decodeThreads, config.Data.DecodeThreads);
        using var loader = data.Loader(config.Data, t.BatchSize, config.Seed, firstStep: step, decodeThreads);
        // An action-conditioned predictor reads <video>.actions.csv beside every training video.
        var actions = spec.ActionDim > 0 ? ClipActions.Load(data.Source, spec.ActionDim, "data.train") : null;
        using var metrics = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"));
        // Evaluation block: the collapse monitor's fixed held-out batch (null when eval.every is 0).
        var monitor = await CollapseMonitor.CreateAsync(config, device, log, ct);

        var latest = Path.Combine(CheckpointFiles.Folder(runDir), CheckpointFiles.Latest);
        var lastGood = resumeFrom;
        long savedStep = -1; // the step of the newest checkpoint this process wrote
        var interval = Stopwatch.StartNew();
        double waited = 0, lastLoss = double.NaN;
        int clipsSinceLog = 0, badInARow = 0;
        long skipped = 0;
        while (step < t.Steps && !ct.IsCancellationRequested)
        {
            using var scope = NewDisposeScope();
            progress?.Invoke(step);

            // Step 3: schedules for this step.
            double lr = Schedules.LearningRate(t, step);
            double wd = Schedules.WeightDecay(t, step);
            double ema = Schedules.EmaMomentum(t, step);
            Optimizers.SetSchedule(optimizer, lr, wd);

            // Step 4: the batch: uint8 from the queue, then float, cropped, flipped and normalised on the device.
            byte[] bytes;
            ClipRef[] views;
            try
            {
                (bytes, views, double wait) = loader.Next(ct);
                waited += wait;
            }
            catch (OperationCanceledException)
            {
                break; // interrupted while waiting for data: checkpoint below
            }
            var clips = ClipTensors.ToInput(bytes, t.BatchSize, config.Data.Frames, config.Data.Size, device, views); // [B, T, 3, S, S]

            // Step 5: forward both levels, the objective's loss (ema: against the stop-gradient EMA targets).
            LossTerms loss;
            using (Autocast.Enter(precision.Compute, precision.Emulated)) // bf16 matmuls when train.precision says so; fp32 loss
                loss = objective.Loss(model.Forward(clips, actions?.For(views, config.Data.Frames, device), rollout: t.Loss.Rollout > 0));

            // Step 6: backward and clip; a non-finite loss or gradient skips the update (the norm is read anyway).
            optimizer.zero_grad();
            loss.Total.backward();
            double gradNorm = nn.utils.clip_grad_norm_(model.TrainableParameters().Select(p => p.Param), t.GradClip > 0 ? t.GradClip : double.MaxValue);
            if (!double.IsFinite(gradNorm))
            {
                skipped++;
                badInARow++;
                log.Warning("Step {Step}: non-finite loss or gradient; update skipped ({InARow} in a row)", step + 1, badInARow);
                if (badInARow >= t.MaxBadSteps)
                {
                    var saved = lastGood is null ? "no checkpoint was written yet, so the run starts again from step 0" : $"the last good checkpoint is {lastGood}";
                    throw new InvalidOperationException($"training stopped at step {step + 1} after {badInARow} non-finite steps in a row; {saved}; " +
                        $"lower the learning rate (or raise train.warmup_steps) and continue with: {ResumeCommand.For(runDir, $"--set train.lr={t.Lr / 2:G3}")}");
                }
                optimizer.zero_grad();
                step++;
                continue;
            }
            badInARow = 0;
            optimizer.step();

            // Step 7: the EMA target follows the online encoders (objectives without one leave it be).
            if (objective.UsesEma) model.UpdateTarget(ema);
            clipsSinceLog += t.BatchSize;
            step++;

            // Step 8: log (the only place scalars leave the device) and checkpoint.
            bool last = step == t.Steps;
            if (step % config.Log.Every == 0 || last)
            {
                double seconds = interval.Elapsed.TotalSeconds;
                lastLoss = loss.Total.item<float>();
                var row = new Dictionary<string, double>
                {
                    ["step"] = step,
                    ["loss"] = lastLoss,
                    ["loss_level1"] = loss.Level1.item<float>(),
                    ["loss_level2"] = loss.Level2.item<float>(),
                    ["loss_variance"] = loss.Variance.item<float>(),
                    ["loss_covariance"] = loss.Covariance.item<float>(),
                    ["lr"] = lr,
                    ["weight_decay"] = wd,
                    ["ema"] = ema,
                    ["grad_norm"] = gradNorm,
                    ["clips_per_s"] = clipsSinceLog / seconds,
                    ["data_wait"] = waited / seconds,
                    ["skipped_steps"] = skipped,
                };
                metrics.Write(row);
                log.Information("step {Step}/{Steps} loss {Loss:F4} (L1 {L1:F4}, L2 {L2:F4}) lr {Lr:E2} grad {Grad:F2} {ClipsPerS:F1} clips/s data_wait {Wait:P1}",
                    step, t.Steps, lastLoss, row["loss_level1"], row["loss_level2"], lr, gradNorm, row["clips_per_s"], row["data_wait"]);
                interval.Restart();
                waited = 0;
                clipsSinceLog = 0;
            }
            // Evaluation block: effective rank, per-dim std and predict ratio on the held-out batch.
            if (monitor is not null && monitor.Due(step))
                metrics.Write(monitor.Measure(model, step));

            if ((step % t.CheckpointEvery == 0 || last) && SaveCheckpoint(config, runDir, step, model, optimizer, log) is { } written)
                (lastGood, savedStep) = (written, step);
        }

        progress?.Invoke(step);
        bool interrupted = step < t.Steps;
        if (interrupted && savedStep != step && SaveCheckpoint(config, runDir, step, model, optimizer, log) is { } final)
            (lastGood, savedStep) = (final, step);
        // The last steps are only safe once written: say which were lost and how to redo them, never "done".
        if (savedStep != step)
        {
            var kept = lastGood is null ? "no checkpoint was written, so the run starts again from step 0" : $"the newest whole checkpoint is {lastGood}";
            throw new IOException($"the checkpoint of step {step} could not be written to {CheckpointFiles.Folder(runDir)}; {kept}; " +
                $"free disk space or fix the folder's permissions, then continue with: {ResumeCommand.For(runDir)}");
        }
        if (interrupted)
            log.Warning("Interrupted at step {Step}; the run continues with: {Command}", step, ResumeCommand.For(runDir));
        return new TrainResult(step, latest, lastLoss, interrupted, skipped);
    }

    /// <summary>
    /// Writes step-N.ckpt and latest.ckpt atomically and rotates old ones. A model with non-finite weights
    /// is never written, and a failed write leaves the previous checkpoints as they were; both are
    /// logged, and null is returned.
    /// </summary>
    private static string? SaveCheckpoint(JepaConfig config, string runDir, long step, HJepa model, TorchSharp.Modules.OptimizerHelper optimizer, ILogger log)
    {
        if (!AllFinite(model))
        {
            log.Error("Step {Step}: the model has non-finite weights; not writing a checkpoint over the good ones", step);
            return null;
        }
        var numbered = CheckpointFiles.Numbered(runDir, step);
        var latest = Path.Combine(CheckpointFiles.Folder(runDir), CheckpointFiles.Latest);
        try
        {
            Checkpoint.Save(numbered, config, step, model, optimizer);
            Checkpoint.CopyAtomically(numbered, latest);
            CheckpointFiles.Rotate(runDir, config.Train.KeepCheckpoints);
            return numbered;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("Step {Step}: could not write a checkpoint ({Reason}); the previous checkpoints are intact", step, e.Message);
            return null;
        }
    }

    private static bool AllFinite(HJepa model)
    {
        using var _ = no_grad();
        return model.parameters().All(p => p.isfinite().all().item<bool>());
    }
}
