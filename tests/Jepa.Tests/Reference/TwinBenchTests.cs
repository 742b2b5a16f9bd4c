using System.Text.Json;
using Jepa.Export;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Reference;

public class TwinBenchTests
{
    /// <summary>The keys of `jepa bench train --json` (issue 10), which bench.py must print alike.</summary>
    private static readonly string[] Keys =
    [
        "device", "precision", "preset", "batch_size", "threads", "steps_per_s", "clips_per_s", "tokens_per_s",
        "flops_per_step", "achieved_tflops", "mfu", "peak_memory_bytes", "phases",
    ];

    [Fact]
    public void Bench_py_times_training_steps_of_an_exported_config_and_prints_the_bench_train_keys()
    {
        ReferencePython.RequireTorch();
        var dir = JepaProcess.TempDir("twin-bench");
        var export = ModelExport.Run(TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt")), Path.Combine(dir, "out"), overwrite: false);
        var r = ReferencePython.Run("bench.py", "--config", export.ConfigPath, "--set", "train.batch_size=2", "--set", "train.threads=1",
            "--steps", "2", "--warmup", "1", "--device", "cpu", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);

        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(Keys.Order(), root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
        Assert.Equal("fp32", root.GetProperty("precision").GetString());
        Assert.Equal(2, root.GetProperty("batch_size").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("mfu").ValueKind);
        double steps = root.GetProperty("steps_per_s").GetDouble();
        Assert.True(steps > 0);
        Assert.Equal(2 * steps, root.GetProperty("clips_per_s").GetDouble(), 6);
        Assert.Equal(2 * steps * 4 * 16, root.GetProperty("tokens_per_s").GetDouble(), 3); // 4 frames of 4×4 tokens
        Assert.True(root.GetProperty("flops_per_step").GetInt64() > 0);
        Assert.True(root.GetProperty("peak_memory_bytes").GetInt64() > 10 << 20);
        var phases = root.GetProperty("phases");
        Assert.Equal(new[] { "backward", "ema", "forward", "optimizer" }, phases.EnumerateObject().Select(p => p.Name).Order());
        // The phases cover the whole step: their sum is the time per step, within the clock's overhead.
        double sum = phases.EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.InRange(sum * steps, 0.9, 1.0001);
    }

    [Theory]
    [InlineData("train.objective=vicreg", "train.objective is 'vicreg'")]
    [InlineData("train.loss.rollout=0.5", "train.loss.rollout")]
    [InlineData("model.action_dim=2", "model.action_dim")]
    public void Bench_py_refuses_in_one_sentence_what_the_twin_does_not_train(string set, string named)
    {
        ReferencePython.RequireTorch();
        // Before any step: timing the design's objective under another one's name would be a wrong figure.
        var r = ReferencePython.Run("bench.py", "--set", set, "--steps", "1", "--warmup", "0", "--device", "cpu");

        Cli.JepaProcess.AssertOneSentence(new(r.ExitCode, r.Stdout, r.Stderr), named);
        Assert.Equal("", r.Stdout);
    }
}
