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

        foreach (var key in new[] { "eval_rank_level1", "eval_rank_share_level1", "eval_std_level1", "eval_rank_level2", "eval_live_level1", "eval_live_share_level2", "eval_ratio_level1_h1", "eval_ratio_level1_h2", "eval_ratio_level2_h1" })
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

    [Fact]
    public async Task The_monitor_warns_when_the_embeddings_shrink_to_a_point_though_their_effective_rank_stays_high()
    {
        var config = new JepaConfig
        {
            Data = new DataConfig { Val = Path.Combine(TestSupport.TestVideos.BouncingDir, "val"), Frames = 4, Size = 32, Workers = 1 },
            Eval = new EvalConfig { Every = 5, BatchSize = 2, MinRankShare = 0.1 },
        };
        var warnings = new WarningSink();
        var monitor = await CollapseMonitor.CreateAsync(config, CPU, new LoggerConfiguration().WriteTo.Sink(warnings).CreateLogger(), CancellationToken.None);
        Assert.NotNull(monitor);
        manual_seed(5);
        using var model = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);

        var healthy = monitor.Measure(model, 5);
        Assert.True(healthy["eval_live_share_level1"] > 0.1, $"untrained live share {healthy["eval_live_share_level1"]}");
        Assert.DoesNotContain(warnings.Messages, m => m.Contains("towards one point"));

        // The collapse train.objective none finds: each encoder's last LayerNorm scaled to 1/1000, so every
        // token sits within ~0.001 of the norm's bias. The shape of the cloud is untouched.
        using (no_grad())
            foreach (var (name, p) in model.TrainableParameters().Where(p => p.Name.StartsWith("online.") && p.Name.EndsWith("norm.weight") && !p.Name.Contains("blocks")))
                p.mul_(1e-3);
        var collapsed = monitor.Measure(model, 10);

        Assert.Equal(0, collapsed["eval_live_level1"]);
        Assert.Equal(0, collapsed["eval_live_level2"]);
        Assert.True(collapsed["eval_rank_share_level1"] > 0.1, $"the effective rank does not see it: share {collapsed["eval_rank_share_level1"]}");
        Assert.Contains(warnings.Messages, m => m.Contains("level 1 has 0 of") && m.Contains("towards one point"));
    }

    private sealed class WarningSink : Serilog.Core.ILogEventSink
    {
        public List<string> Messages { get; } = [];
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            if (logEvent.Level == Serilog.Events.LogEventLevel.Warning) Messages.Add(logEvent.RenderMessage());
        }
    }
}
