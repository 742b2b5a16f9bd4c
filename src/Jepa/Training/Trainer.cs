using System.Diagnostics;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Models;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>How a training run ended.</summary>
public sealed record TrainResult(long Steps, string LatestCheckpoint, double LastLoss, bool Interrupted);

/// <summary>The training loop, top to bottom (STYLE.md #1).</summary>
public static class Trainer
{
    /// <summary>
    /// Trains from scratch into <paramref name="runDir"/>: config.yaml, checkpoints/, metrics.jsonl.
    /// On cancellation it finishes the current step, writes latest.ckpt and returns Interrupted.
    /// </summary>
    public static async Task<TrainResult> RunAsync(JepaConfig config, string runDir, ILogger log, CancellationToken ct)
    {
        // Step 0: the machine, the seed, the run directory.
        config = Presets.WithResolvedModel(config);
        var t = config.Train;
        var device = Devices.Resolve(t.Device);
        int threads = Devices.SetThreads(t.Threads);
        manual_seed(config.Seed);
        var checkpoints = Path.Combine(runDir, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        await File.WriteAllTextAsync(Path.Combine(runDir, "config.yaml"), ConfigLoader.ToYaml(config), ct);
        log.Information("Device {Device}, {Threads} torch threads, run directory {RunDir}", device, threads, runDir);

        // Step 1: data. Every training video decoded once into memory; a batch queue fills in the background.
        var clock = Stopwatch.StartNew();
        var corpus = await Corpus.LoadAsync(config.Data.Train, "data.train", config.Data, log, ct);
        log.Information("Decoded {Count} training videos ({Frames} frames at {Fps} fps, {Size} px) in {Seconds:F1} s; {Bad} skipped",
            corpus.Videos.Count, corpus.FrameCounts.Sum(), config.Data.Fps, config.Data.Size, clock.Elapsed.TotalSeconds, corpus.Rejected.Count);
        using var loader = new BatchLoader(corpus, t.BatchSize, config.Data.Frames, config.Data.Hflip, config.Data.CropScaleMin, config.Seed, firstStep: 0);

        // Step 2: model and optimiser.
        var spec = Presets.Resolve(config.Model);
        using var model = new HJepa(spec, config.Data.Size, config.Data.Frames);
        model.to(device);
        long parameterCount = model.TrainableParameters().Sum(p => p.Param.numel());
        log.Information("Model {Preset}: {Parameters:N0} trainable parameters, dim {Dim}, {Tokens} tokens per frame",
            config.Model.Preset, parameterCount, spec.Dim, Encoders.Level1Tokens(spec, config.Data.Size));
        using var optimizer = Optimizers.Create(model, t.Lr, t.WeightDecay);
        using var metrics = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"));
        // Evaluation block: the collapse monitor's fixed held-out batch (null when eval.every is 0).
        var monitor = await CollapseMonitor.CreateAsync(config, device, log, ct);

        var latest = Path.Combine(checkpoints, "latest.ckpt");
        var interval = Stopwatch.StartNew();
        double waited = 0, lastLoss = double.NaN;
        int clipsSinceLog = 0;
        long step = 0;
        for (; step < t.Steps; step++)
        {
            if (ct.IsCancellationRequested) break;
            using var scope = NewDisposeScope();

            // Step 3: schedules for this step.
            double lr = Schedules.LearningRate(t, step);
            double wd = Schedules.WeightDecay(t, step);
            double ema = Schedules.EmaMomentum(t, step);
            Optimizers.SetSchedule(optimizer, lr, wd);

            // Step 4: the batch: uint8 from the queue, then float and normalised on the device.
            var (bytes, views, wait) = loader.Next(ct);
            waited += wait;
            var clips = ClipTensors.ToInput(bytes, t.BatchSize, config.Data.Frames, config.Data.Size, device, views); // [B, T, 3, S, S]

            // Step 5: forward both levels, loss against the stop-gradient EMA targets.
            var output = model.Forward(clips);
            var loss = JepaLoss.Compute(output, t.Loss);

            // Step 6: backward, clip, step.
            optimizer.zero_grad();
            loss.Total.backward();
            double gradNorm = t.GradClip > 0
                ? nn.utils.clip_grad_norm_(model.TrainableParameters().Select(p => p.Param), t.GradClip)
                : double.NaN;
            optimizer.step();

            // Step 7: the EMA target follows the online encoders.
            model.UpdateTarget(ema);
            clipsSinceLog += t.BatchSize;

            // Step 8: log (the only place scalars leave the device) and checkpoint.
            bool last = step == t.Steps - 1;
            if ((step + 1) % config.Log.Every == 0 || last)
            {
                double seconds = interval.Elapsed.TotalSeconds;
                lastLoss = loss.Total.item<float>();
                var row = new Dictionary<string, double>
                {
                    ["step"] = step + 1,
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
                };
                metrics.Write(row);
                log.Information("step {Step}/{Steps} loss {Loss:F4} (L1 {L1:F4}, L2 {L2:F4}) lr {Lr:E2} grad {Grad:F2} {ClipsPerS:F1} clips/s data_wait {Wait:P1}",
                    step + 1, t.Steps, lastLoss, row["loss_level1"], row["loss_level2"], lr, gradNorm, row["clips_per_s"], row["data_wait"]);
                if (!double.IsFinite(lastLoss))
                    throw new InvalidOperationException($"the loss became {lastLoss} at step {step + 1}; lower train.lr or raise train.warmup_steps.");
                interval.Restart();
                waited = 0;
                clipsSinceLog = 0;
            }
            // Evaluation block: effective rank, per-dim std and predict ratio on the held-out batch.
            if (monitor is not null && monitor.Due(step + 1))
                metrics.Write(monitor.Measure(model, step + 1));

            if ((step + 1) % t.CheckpointEvery == 0 || last)
            {
                var named = Path.Combine(checkpoints, $"step-{step + 1:D6}.ckpt");
                Checkpoint.Save(named, config, step + 1, model, optimizer);
                // Copy then rename: latest.ckpt is always a whole file.
                File.Copy(named, latest + ".tmp", overwrite: true);
                File.Move(latest + ".tmp", latest, overwrite: true);
            }
        }

        bool interrupted = step < t.Steps;
        if (interrupted)
        {
            Checkpoint.Save(latest, config, step, model, optimizer);
            log.Warning("Interrupted at step {Step}; wrote {Checkpoint}", step, latest);
        }
        return new TrainResult(step, latest, lastLoss, interrupted);
    }
}
