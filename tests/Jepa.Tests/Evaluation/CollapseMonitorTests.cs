using Jepa.Config;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Training;
using Serilog;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class CollapseMonitorTests
{
    [Fact]
    public async Task The_monitor_measures_rank_std_and_ratio_per_level_and_the_metrics_log_writes_them_to_tensorboard()
    {
        var config = new JepaConfig
        {
            Data = new DataConfig { Val = Path.Combine(TestSupport.TestVideos.BouncingDir, "val"), Frames = 4, Size = 32, Workers = 1 },
            // A share of 1 can never be met, so the warning path runs too.
            Eval = new EvalConfig { Every = 5, BatchSize = 2, MinRankShare = 1.0 },
        };
        var monitor = await CollapseMonitor.CreateAsync(config, CPU, new LoggerConfiguration().CreateLogger(), CancellationToken.None);
        Assert.NotNull(monitor);
        Assert.True(monitor.Due(10));
        Assert.False(monitor.Due(11));
        manual_seed(5);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);

        var row = monitor.Measure(model, 10);

        foreach (var key in new[] { "eval_rank_level1", "eval_rank_share_level1", "eval_std_level1", "eval_rank_level2", "eval_ratio_level1_h1", "eval_ratio_level1_h2", "eval_ratio_level2_h1" })
            Assert.True(row.ContainsKey(key), key);
        Assert.InRange(row["eval_rank_share_level1"], 0, 1);
        // An untrained model predicts persistence exactly.
        Assert.Equal(1.0, row["eval_ratio_level1_h1"], 6);

        var run = Directory.CreateTempSubdirectory("jepa-tb").FullName;
        using (var metrics = new MetricsLog(Path.Combine(run, "metrics.jsonl")))
            metrics.Write(row);
        var events = Directory.GetFiles(run, "events.out.tfevents.*");
        Assert.Single(events);
        var bytes = File.ReadAllText(events[0], System.Text.Encoding.Latin1);
        Assert.Contains("eval_rank_level1", bytes);
        Assert.Contains("eval_ratio_level2_h1", bytes);
        // Off, or never due in a run this short: no monitor, and no data.val needed.
        Assert.Null(await CollapseMonitor.CreateAsync(config with { Eval = new EvalConfig { Every = 0 } }, CPU, new LoggerConfiguration().CreateLogger(), CancellationToken.None));
        Assert.Null(await CollapseMonitor.CreateAsync(config with { Data = config.Data with { Val = "/nonexistent" }, Train = new TrainConfig { Steps = 3 } }, CPU, new LoggerConfiguration().CreateLogger(), CancellationToken.None));
    }
}
