using System.Text.Json;
using Jepa.Config;
using Jepa.Data;
using Jepa.Evaluation;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using Serilog.Core;
using static TorchSharp.torch;

namespace Jepa.Tests.Training;

/// <summary>Every objective trains a few steps on tiny generated videos, and its checkpoint evaluates (issue 15).</summary>
public class ObjectiveTrainingTests
{
    private static JepaConfig Tiny(string objective) => new()
    {
        Name = "objective-" + objective,
        Data = new DataConfig { Train = Path.Combine(TestVideos.BouncingDir, "train"), Val = Path.Combine(TestVideos.BouncingDir, "val"), Size = 32, Frames = 4 },
        Model = new ModelConfig { Dim = 32, Heads = 2, PredictorDim = 32, Depth = 1, PredictorDepth = 1 },
        Train = new TrainConfig { Steps = 4, BatchSize = 4, WarmupSteps = 1, CheckpointEvery = 4, Threads = 1, Device = "cpu", Objective = objective },
        Eval = new EvalConfig { Every = 4, Clips = 4, BatchSize = 4 },
        Log = new LogConfig { Every = 1 },
    };

    [Theory]
    [InlineData("ema")]
    [InlineData("vicreg")]
    [InlineData("barlow")]
    [InlineData("infonce")]
    [InlineData("pixel")]
    [InlineData("none")]
    public async Task Each_objective_trains_with_finite_losses_records_itself_in_the_checkpoint_and_evaluates(string objective)
    {
        var config = Tiny(objective);
        ConfigValidator.Validate(config, "test");
        var runDir = TestVideos.NewFolder("objective-" + objective);
        var result = await Trainer.RunAsync(config, runDir, null, Logger.None, CancellationToken.None);
        Assert.Equal(4, result.Steps);
        Assert.Equal(0, result.SkippedSteps);

        var rows = File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var losses = rows.Where(r => r.TryGetProperty("loss", out _)).Select(r => r.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(4, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l), $"{objective}: loss {l}"));
        Assert.Contains(rows, r => r.TryGetProperty("eval_rank_level1", out var rank) && rank.GetDouble() > 0);

        // The checkpoint records the objective and rebuilds the same model (pixel: with its decoder).
        var (header, model) = Checkpoint.LoadModel(result.LatestCheckpoint, CPU);
        using (model)
        {
            Assert.Equal(objective, header.Config.Train.Objective);
            Assert.Equal(objective, model.Objective);
            Assert.Equal(objective == "pixel", model.Forward(randn([1, 4, 3, 32, 32])).Pixels is not null);
            var corpus = await Corpus.LoadAsync(config.Data.Val, "data.val", config.Data, Logger.None, CancellationToken.None);
            var report = PredictEvaluator.Evaluate(model, corpus, EvalClips.Select(corpus, 4, 4), 4, header.Step, CPU);
            Assert.All(report.Predict.Levels, p => Assert.True(double.IsFinite(p.Ratio)));
        }

        // Resuming under another objective is refused, naming the key.
        if (objective != "ema")
        {
            var other = objective == "none" ? "vicreg" : "none";
            var e = await Assert.ThrowsAsync<UsageException>(() =>
                Trainer.RunAsync(config with { Train = config.Train with { Steps = 6, Objective = other } }, runDir, result.LatestCheckpoint, Logger.None, CancellationToken.None));
            Assert.Contains("train.objective", e.Message);
        }
    }
}
