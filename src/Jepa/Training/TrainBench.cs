using System.Diagnostics;
using Jepa.Config;
using Jepa.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>Seconds per step of each phase of a training step.</summary>
public sealed record StepPhases(double Forward, double Backward, double Optimizer, double Ema);

/// <summary>What <see cref="TrainBench"/> measured (the keys of <c>jepa bench train --json</c>).</summary>
public sealed record TrainBenchResult(
    string Device, string Precision, string Preset, int BatchSize, int Threads, int Steps,
    double StepsPerS, double ClipsPerS, double TokensPerS, double FlopsPerStep, double AchievedTflops,
    double? PeakTflops, double? Mfu, long? PeakMemoryBytes, StepPhases Phases, string? Gpu);

/// <summary>
/// The speed of training steps alone: the config's model, optimiser and EMA on synthetic clips already on
/// the device (no data loading), warm-up steps left out, each phase timed between device synchronisations.
/// FLOPs are counted from the shapes (<see cref="FlopCount"/>); MFU is against the device's peak for the
/// precision. The same measurement as <c>scripts/reference/bench.py</c> makes of the PyTorch twin.
/// </summary>
public static class TrainBench
{
    public static TrainBenchResult Run(JepaConfig config, int steps, int warmup, double? peakTflops)
    {
        config = Presets.WithResolvedModel(config);
        var t = config.Train;
        var device = Devices.Resolve(t.Device);
        int threads = Devices.SetThreads(t.Threads);
        var precision = Precision.Resolve(t.Precision, device);
        manual_seed(config.Seed);
        var spec = Presets.Resolve(config.Model);
        int size = config.Data.Size, frames = config.Data.Frames, batch = t.BatchSize;

        using var model = new HJepa(spec, size, frames);
        model.to(device);
        model.FlattenForEma();
        using var optimizer = Optimizers.Create(model, t.Lr, t.WeightDecay); // after .to(): it replaced the parameters
        using var clips = randn([batch, frames, 3, size, size], device: device); // normalised pixels, already there
        var gpu = device.type == DeviceType.CUDA ? GpuInfo.Name(device) : null;

        double forward = 0, backward = 0, step = 0, ema = 0;
        var clock = new Stopwatch();
        double Lap()
        {
            if (device.type == DeviceType.CUDA) cuda.synchronize(device);
            var s = clock.Elapsed.TotalSeconds;
            clock.Restart();
            return s;
        }
        for (int i = 0; i < warmup + steps; i++)
        {
            using var scope = NewDisposeScope();
            bool timed = i >= warmup;
            Lap();
            Optimizers.SetSchedule(optimizer, Schedules.LearningRate(t, i), Schedules.WeightDecay(t, i));
            LossTerms loss;
            using (Autocast.Enter(precision.Compute, precision.Emulated))
                loss = JepaLoss.Compute(model.Forward(clips), t.Loss);
            double f = Lap();
            optimizer.zero_grad();
            loss.Total.backward();
            double b = Lap();
            nn.utils.clip_grad_norm_(model.TrainableParameters().Select(p => p.Param), t.GradClip > 0 ? t.GradClip : double.MaxValue);
            optimizer.step();
            double o = Lap();
            model.UpdateTarget(Schedules.EmaMomentum(t, i));
            double e = Lap();
            if (!timed) continue;
            (forward, backward, step, ema) = (forward + f, backward + b, step + o, ema + e);
        }

        double perStep = (forward + backward + step + ema) / steps;
        double flops = FlopCount.TrainStep(spec, size, frames, batch);
        double achieved = flops / perStep / 1e12;
        double? peak = peakTflops ?? (gpu is null ? null : GpuInfo.PeakTflops(gpu, precision.Name));
        return new TrainBenchResult(
            device.ToString(), precision.Name, config.Model.Preset, batch, threads, steps,
            1 / perStep, batch / perStep, batch * frames * (double)Models.Encoders.Level1Tokens(spec, size) / perStep,
            flops, achieved, peak, peak is > 0 ? achieved / peak : null,
            device.type == DeviceType.CUDA ? GpuInfo.UsedMemoryBytes() : Process.GetCurrentProcess().PeakWorkingSet64,
            new StepPhases(forward / steps, backward / steps, step / steps, ema / steps), gpu);
    }
}
