using System.Globalization;
using Jepa.Config;
using Jepa.Models;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

/// <summary>
/// Random model shapes through the whole path a run takes: the validator refuses every shape the model
/// cannot build or run, with one sentence, and every shape it accepts builds and runs forward and loss.
/// </summary>
public sealed class ModelShapeFuzzTests
{
    const int Cases = 200;

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 0; seed < Cases; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_random_model_shape_is_refused_by_the_validator_or_builds_and_runs_forward_and_loss(int seed)
    {
        var sets = RandomShape(new Random(seed));
        JepaConfig config;
        try
        {
            config = ConfigLoader.Load(null, sets);
        }
        catch (UsageException e)
        {
            Assert.StartsWith("--set: '", e.Message.Replace("--set: the ", "--set: '", StringComparison.Ordinal));
            Assert.DoesNotContain('\n', e.Message);
            Assert.EndsWith(".", e.Message);
            return;
        }

        // What Trainer builds from the config, on one tiny clip.
        using var scope = NewDisposeScope();
        manual_seed(seed);
        using var model = new HJepa(Presets.Resolve(config.Model), config.Data.Size, config.Data.Frames);
        var output = model.Forward(randn([1, config.Data.Frames, 3, config.Data.Size, config.Data.Size]));
        var loss = JepaLoss.Compute(output, config.Train.Loss).Total.item<float>();
        Assert.True(float.IsFinite(loss), $"{string.Join(' ', sets)}: loss {loss}");
    }

    [Fact]
    public void The_random_shapes_land_on_both_sides_of_the_validator()
    {
        int accepted = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            try
            {
                ConfigLoader.Load(null, RandomShape(new Random(seed)));
                accepted++;
            }
            catch (UsageException)
            {
            }
        }
        Assert.InRange(accepted, Cases / 10, Cases * 9 / 10);
    }

    /// <summary>
    /// --set values for every key that shapes the model, small enough to run on a CPU in milliseconds.
    /// Each value is most often one that fits the others and sometimes anything, so that accepted and
    /// refused shapes both come up and every check gets its turn.
    /// </summary>
    static string[] RandomShape(Random rng)
    {
        T Pick<T>(params T[] values) => values[rng.Next(values.Length)];
        bool Fitting() => rng.NextDouble() < 0.85;
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);

        var heads = Pick(1, 2, 3, 4, 6, 8);
        // Widths up to 64 (96 when unfitting): every stem rule shows below that, and the suite stays fast.
        var dim = Fitting() ? heads * rng.Next(1, 64 / heads + 1) : rng.Next(1, 97);
        var predictorDim = Fitting() ? heads * rng.Next(1, 64 / heads + 1) : rng.Next(1, 97);
        var stride = Fitting() ? Pick(2, 4, 8, 16) : Pick(1, 3, 6, 32);
        // At most 4×4 tokens a frame whatever the stride, or the predictor's attention takes seconds.
        var size = stride * rng.Next(1, 5) + (Fitting() ? 0 : rng.Next(1, 3));
        var side = size % stride == 0 ? size / stride : 1;
        var pool = Fitting() ? Pick(Enumerable.Range(1, side).Where(p => side % p == 0).ToArray()) : rng.Next(1, 5);
        var chunk = rng.Next(1, 4);
        var level2Horizon = rng.Next(1, 3);
        var frames = Fitting() ? chunk * (level2Horizon + 1 + rng.Next(2)) : rng.Next(1, 9);
        var horizon = Fitting() && frames > 1 ? rng.Next(1, frames) : rng.Next(1, 6);
        return
        [
            $"model.heads={I(heads)}",
            $"model.dim={I(dim)}",
            $"model.predictor_dim={I(predictorDim)}",
            $"model.depth={I(rng.Next(1, 3))}",
            "model.predictor_depth=1",
            "model.level2_depth=1",
            $"model.stem_stride={I(stride)}",
            $"model.stem_blur={(rng.Next(2) == 0 ? "true" : "false")}",
            $"model.mlp_ratio={Pick("0.001", "0.004", "0.5", "1", "1.5", "2", "4")}",
            $"model.chunk={I(chunk)}",
            $"model.level2_pool={I(pool)}",
            $"model.horizon={I(horizon)}",
            $"model.level2_horizon={I(level2Horizon)}",
            $"data.size={I(size)}",
            $"data.frames={I(frames)}",
            $"train.loss.variance={Pick("0", "1")}",
            $"train.loss.covariance={Pick("0", "0.04")}",
        ];
    }
}
