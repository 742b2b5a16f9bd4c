using System.Text.Json;

namespace Jepa.Tests.Cli;

public class BenchTrainTests
{
    [Theory]
    [InlineData("tiny", "fp32")]
    [InlineData("small", "bf16")]
    public void Bench_train_json_has_every_field_for_a_preset_and_precision(string preset, string precision)
    {
        var dir = JepaProcess.TempDir("bench-train");
        var r = JepaProcess.Run(dir, "bench", "train", "--set", $"model.preset={preset}", "--set", $"train.precision={precision}",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "train.batch_size=2", "--set", "train.threads=1",
            "--steps", "2", "--warmup", "1", "--peak-tflops", "1", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(("cpu", precision, preset, 2, 1), (json.GetProperty("device").GetString(), json.GetProperty("precision").GetString(),
            json.GetProperty("preset").GetString(), json.GetProperty("batch_size").GetInt32(), json.GetProperty("threads").GetInt32()));
        foreach (var key in new[] { "steps_per_s", "clips_per_s", "tokens_per_s", "flops_per_step", "achieved_tflops", "mfu", "peak_memory_bytes" })
            Assert.True(json.GetProperty(key).GetDouble() > 0, key);
        Assert.Equal(json.GetProperty("steps_per_s").GetDouble() * 2, json.GetProperty("clips_per_s").GetDouble(), 6);
        Assert.Equal(json.GetProperty("achieved_tflops").GetDouble(), json.GetProperty("mfu").GetDouble(), 9); // peak 1 TFLOP/s
        var phases = json.GetProperty("phases");
        foreach (var phase in new[] { "forward", "backward", "optimizer", "ema" })
            Assert.True(phases.GetProperty(phase).GetDouble() > 0, phase);
    }

    [Fact]
    public void Bench_train_without_a_peak_on_the_cpu_gives_a_null_mfu()
    {
        var r = JepaProcess.Run(JepaProcess.TempDir("bench-train-nopeak"), "bench", "train", "--set", "data.size=32", "--set", "data.frames=4",
            "--set", "train.batch_size=1", "--set", "train.threads=1", "--steps", "1", "--warmup", "0", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(r.Stdout).RootElement.GetProperty("mfu").ValueKind);
    }
}
