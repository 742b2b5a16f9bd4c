using System.Globalization;
using Jepa.Config;
using Jepa.Data;
using Jepa.Export;
using Jepa.Models;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Jepa.Tests.Reference;

/// <summary>
/// The PyTorch twin (scripts/reference/hjepa.py) against the C# model on the same exported weights and
/// the same clips: embeddings of both levels, predictions, loss terms, then three training steps (AdamW
/// with its schedules, clipping, EMA) and every tensor of the network after them; fp32 on the CPU.
/// </summary>
[Collection(nameof(TorchGlobalState))]
public class ParityTests(ITestOutputHelper log)
{
    /// <summary>Largest absolute difference allowed anywhere (issue 10).</summary>
    /// <remarks>
    /// Measured: ≤ 3e-6 on embeddings, predictions and loss; ≤ 4e-5 on the weights after three steps. The
    /// tightest spot is the key third of each attention's qkv.bias: softmax ignores a shift shared by all
    /// keys, so its gradient is float noise (~1e-10) that AdamW scales towards lr-sized steps, differently
    /// in each implementation.
    /// </remarks>
    private const double Tolerance = 1e-4;

    // Steps 3, 4 and 5 of 10 with a warmup of 4: the last warmup step, then two of the cosine (the first
    // of which has the same lr as the end of warmup); after the first, AdamW uses its moments.
    private const int FirstStep = 3;
    private const int TrainSteps = 3;

    [Fact]
    public void Tiny_model_matches_the_twin_from_pixels_on()
    {
        Check("plain", fromPixels: true, new JepaConfig
        {
            Data = new DataConfig { Size = 64, Frames = 6 },
            Model = new ModelConfig { Preset = "tiny" },
            Train = Schedule(new LossConfig()),
        });
    }

    [Fact]
    public void Blurred_stem_vicreg_and_more_horizons_match_the_twin()
    {
        Check("blur-vicreg", fromPixels: false, new JepaConfig
        {
            Data = new DataConfig { Size = 64, Frames = 8 },
            Model = new ModelConfig { Preset = "tiny", StemBlur = true, StemStride = 8, Horizon = 3, Level2Horizon = 2 },
            Train = Schedule(new LossConfig { Level2 = 0.5, Variance = 1.0, Covariance = 0.04 }),
        });
    }

    private static TrainConfig Schedule(LossConfig loss) => new()
    {
        Steps = 10, WarmupSteps = 4, Lr = 2e-3, MinLr = 1e-4, WeightDecay = 0.04, WeightDecayEnd = 0.4,
        EmaStart = 0.9, EmaEnd = 1.0, GradClip = 1.0, Loss = loss,
    };

    /// <param name="fromPixels">feed both uint8 frames made input by each side (ClipTensors.ToInput, hjepa.to_input),
    /// rather than the same float clips</param>
    private void Check(string name, bool fromPixels, JepaConfig config)
    {
        ReferencePython.RequireTorch();
        var dir = JepaProcess.TempDir("parity-" + name);
        using var scope = NewDisposeScope();

        // The weights: random, with the predictor heads, the norms and the EMA target moved off their
        // initial values, so that every op and both copies of the encoders show in the outputs.
        manual_seed(11);
        using var model = new HJepa(Presets.Resolve(config.Model), config.Data.Size, config.Data.Frames);
        Perturb(model);
        var ckpt = Path.Combine(dir, "model.ckpt");
        Checkpoint.Save(ckpt, config, FirstStep, model, null);
        var export = ModelExport.Run(ckpt, Path.Combine(dir, "export"), overwrite: false);

        int b = 2, t = config.Data.Frames, s = config.Data.Size;
        Tensor clips;
        var clipsPath = Path.Combine(dir, "clips.safetensors");
        if (fromPixels)
        {
            var pixels = randint(0, 256, [b, t, s, s, 3], dtype: ScalarType.Byte);
            clips = ClipTensors.ToInput(pixels.data<byte>().ToArray(), b, t, s, CPU);
            SafeTensors.Write(clipsPath, [("pixels", pixels)], new Dictionary<string, string>()); // 0..255 as float32, exact
        }
        else
        {
            clips = randn([b, t, 3, s, s]);
            SafeTensors.Write(clipsPath, [("clips", clips)], new Dictionary<string, string>());
        }

        var stemBefore = model.state_dict()["online.stem.project.weight"].clone();
        var expected = RunCSharp(model, config.Train, clips);

        var outPath = Path.Combine(dir, "twin.safetensors");
        var r = ReferencePython.Run("parity.py", "--export", Path.GetDirectoryName(export.ModelPath)!, "--clips", clipsPath,
            "--out", outPath, "--first-step", FirstStep.ToString(CultureInfo.InvariantCulture),
            "--train-steps", TrainSteps.ToString(CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, $"parity.py exited {r.ExitCode}: {r.Stderr}");
        var twin = SafeTensorsFile.Read(outPath);
        log.WriteLine($"twin: torch {twin.Metadata["torch"]}, SDPA {twin.Metadata["sdpa"]}");

        Assert.Equal(expected.Keys.Order(), twin.Tensors.Keys.Order());
        var diffs = expected.ToDictionary(e => e.Key, e =>
        {
            var t = twin.Tensors[e.Key];
            Assert.True(e.Value.shape.SequenceEqual(t.shape), $"{e.Key}: shape [{string.Join(", ", e.Value.shape)}] in C#, [{string.Join(", ", t.shape)}] in the twin");
            return (e.Value.to_type(ScalarType.Float64) - t.to_type(ScalarType.Float64)).abs().max().item<double>();
        });
        foreach (var group in diffs.GroupBy(d => Group(d.Key)))
            log.WriteLine($"{group.Key,-16} max |C# - twin| = {group.Max(d => d.Value):E2} over {group.Count()} tensors");
        log.WriteLine("largest: " + string.Join(", ", diffs.OrderByDescending(d => d.Value).Take(3).Select(d => $"{d.Key} {d.Value:E2}")));
        var bad = diffs.Where(d => !(d.Value <= Tolerance)).OrderByDescending(d => d.Value).Take(5).ToList();
        Assert.True(bad.Count == 0, $"{name}: the twin differs from the C# model by more than {Tolerance:E0}: " +
            string.Join(", ", bad.Select(b => $"{b.Key} {b.Value:E2}")));

        // The steps must have done something for the comparison after them to mean anything.
        Assert.True(expected["step1.grad_norm"].item<float>() > 0);
        Assert.True((expected["after.online.stem.project.weight"] - stemBefore).abs().max().item<float>() > 10 * Tolerance,
            "three AdamW steps hardly changed the stem: the comparison after them would prove little");
    }

    /// <summary>The same outputs parity.py writes, from the C# model: forward, then Trainer's steps 3 and 5–7.</summary>
    private static Dictionary<string, Tensor> RunCSharp(HJepa model, TrainConfig t, Tensor clips)
    {
        var result = new Dictionary<string, Tensor> { ["input"] = clips };
        var output = model.Forward(clips);
        var terms = JepaLoss.Compute(output, t.Loss);
        for (int l = 1; l <= 2; l++)
        {
            var level = output.Levels[l - 1];
            result[$"level{l}.online"] = level.Online.detach();
            result[$"level{l}.targets"] = level.Targets.detach();
            for (int k = 1; k <= level.Predictions.Length; k++) result[$"level{l}.prediction.{k}"] = level.Predictions[k - 1].detach();
        }
        result["loss.total"] = terms.Total.detach();
        result["loss.level1"] = terms.Level1.detach();
        result["loss.level2"] = terms.Level2.detach();
        result["loss.variance"] = terms.Variance.detach();
        result["loss.covariance"] = terms.Covariance.detach();

        using var optimizer = Optimizers.Create(model, t.Lr, t.WeightDecay);
        for (int i = 0; i < TrainSteps; i++)
        {
            long step = FirstStep + i;
            double lr = Schedules.LearningRate(t, step), wd = Schedules.WeightDecay(t, step), ema = Schedules.EmaMomentum(t, step);
            Optimizers.SetSchedule(optimizer, lr, wd);
            var loss = JepaLoss.Compute(model.Forward(clips), t.Loss);
            optimizer.zero_grad();
            loss.Total.backward();
            double gradNorm = nn.utils.clip_grad_norm_(model.TrainableParameters().Select(p => p.Param), t.GradClip > 0 ? t.GradClip : double.MaxValue);
            Assert.True(double.IsFinite(gradNorm));
            optimizer.step();
            model.UpdateTarget(ema);
            result[$"step{i}.loss"] = loss.Total.detach();
            result[$"step{i}.grad_norm"] = tensor((float)gradNorm);
            result[$"step{i}.lr"] = tensor((float)lr);
            result[$"step{i}.weight_decay"] = tensor((float)wd);
            result[$"step{i}.ema"] = tensor((float)ema);
        }
        foreach (var (name, p) in model.state_dict()) result["after." + name] = p.detach().clone();
        return result;
    }

    private static void Perturb(HJepa model)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.Contains(".heads.", StringComparison.Ordinal)) p.normal_(0, 0.05);
            else if (p.dim() == 1) p.add_(randn_like(p) * 0.1); // norm scales and biases, all the biases
            if (name.StartsWith("target.", StringComparison.Ordinal)) p.add_(randn_like(p) * 0.01);
        }
    }

    /// <summary>level1.prediction.2 → level1.prediction; after.online.x.y → after.online; step0.lr → steps.</summary>
    private static string Group(string key) =>
        key.StartsWith("step", StringComparison.Ordinal) ? "steps"
        : key.StartsWith("loss.", StringComparison.Ordinal) ? "loss"
        : key == "input" ? "input"
        : string.Join('.', key.Split('.').Take(2));
}
