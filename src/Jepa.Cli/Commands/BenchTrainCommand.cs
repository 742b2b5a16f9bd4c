using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Jepa.Config;
using Jepa.Training;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa bench train</c>: training steps per second, FLOP/s and MFU, phase by phase, with no data loading.</summary>
internal static class BenchTrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Experiment YAML whose model, batch size, clip shape and precision are measured (default: the quickstart)." };
        var set = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set model.preset=small --set train.precision=bf16 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var steps = new Option<int>("--steps") { Description = "Timed steps.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Steps run first and not timed.", DefaultValueFactory = _ => 3 };
        var device = new Option<string?>("--device") { Description = "cpu | cuda | cuda:N | auto (same as --set train.device=…)." };
        var peak = new Option<double?>("--peak-tflops") { Description = "The device's peak TFLOP/s for the precision, for MFU (default: from a table of GPUs; none on the CPU)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };

        var command = new Command("train", "Time training steps on synthetic clips already on the device: steps/s, clips/s, tokens/s, TFLOP/s, MFU, peak memory, seconds per phase.")
        {
            config, set, steps, warmup, device, peak, json,
        };
        command.SetAction((parse, ct) => CliOptions.Run(parse, _ =>
        {
            var sets = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(device) is { } d) sets.Add("train.device=" + d);
            var cfg = ConfigLoader.Load(parse.GetValue(config), sets);
            int n = parse.GetValue(steps), w = parse.GetValue(warmup);
            if (n < 1 || w < 0) throw new UsageException("--steps must be at least 1 and --warmup at least 0.");
            if (parse.GetValue(peak) is <= 0) throw new UsageException("--peak-tflops must be more than 0.");
            var r = TrainBench.Run(cfg, n, w, parse.GetValue(peak));
            Console.WriteLine(parse.GetValue(json) ? Json(r) : Table(r));
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static string Table(TrainBenchResult r)
    {
        var c = CultureInfo.InvariantCulture;
        return string.Join(Environment.NewLine,
            string.Format(c, "Training steps of preset {0}, batch {1}, {2} on {3}{4}, {5} threads, {6} timed steps (synthetic clips on the device):",
                r.Preset, r.BatchSize, r.Precision, r.Device, r.Gpu is null ? "" : $" ({r.Gpu})", r.Threads, r.Steps),
            string.Format(c, "  steps/s {0:F3}   clips/s {1:F2}   tokens/s {2:F0}", r.StepsPerS, r.ClipsPerS, r.TokensPerS),
            string.Format(c, "  FLOPs/step {0:E3}   achieved {1:F3} TFLOP/s   MFU {2}", r.FlopsPerStep, r.AchievedTflops,
                r.Mfu is { } m ? $"{m:P1} of {r.PeakTflops:F1}" : "unknown (give --peak-tflops)"),
            string.Format(c, "  seconds per step: forward {0:F4}  backward {1:F4}  optimizer {2:F4}  ema {3:F4}",
                r.Phases.Forward, r.Phases.Backward, r.Phases.Optimizer, r.Phases.Ema),
            "  peak memory " + (r.PeakMemoryBytes is { } b ? string.Format(c, "{0:F0} MiB", b / 1048576.0) : "unknown"));
    }

    /// <summary>The keys scripts/reference/bench.py prints too.</summary>
    internal static string Json(TrainBenchResult r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["device"] = r.Device,
        ["gpu"] = r.Gpu,
        ["precision"] = r.Precision,
        ["preset"] = r.Preset,
        ["batch_size"] = r.BatchSize,
        ["threads"] = r.Threads,
        ["steps"] = r.Steps,
        ["steps_per_s"] = r.StepsPerS,
        ["clips_per_s"] = r.ClipsPerS,
        ["tokens_per_s"] = r.TokensPerS,
        ["flops_per_step"] = r.FlopsPerStep,
        ["achieved_tflops"] = r.AchievedTflops,
        ["peak_tflops"] = r.PeakTflops,
        ["mfu"] = r.Mfu,
        ["peak_memory_bytes"] = r.PeakMemoryBytes,
        ["phases"] = new Dictionary<string, double>
        {
            ["forward"] = r.Phases.Forward,
            ["backward"] = r.Phases.Backward,
            ["optimizer"] = r.Phases.Optimizer,
            ["ema"] = r.Phases.Ema,
        },
    });
}
