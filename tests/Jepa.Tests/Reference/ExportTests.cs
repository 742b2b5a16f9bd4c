using System.Text.Json;
using Jepa.Config;
using Jepa.Export;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using static TorchSharp.torch;

namespace Jepa.Tests.Reference;

public class ExportTests
{
    [Fact]
    public void Export_writes_every_tensor_of_the_checkpoint_bit_for_bit_with_its_state_dict_name()
    {
        var dir = JepaProcess.TempDir("export");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var result = ModelExport.Run(ckpt, Path.Combine(dir, "out"), overwrite: false);

        var (_, model) = Checkpoint.LoadModel(ckpt, CPU);
        using (model)
        {
            var file = SafeTensorsFile.Read(result.ModelPath);
            var expected = model.state_dict();
            Assert.Equal(expected.Keys.Order(), file.Tensors.Keys.Order());
            Assert.Equal(expected.Keys, file.Order); // in state-dict order, the data back to back
            foreach (var (name, t) in expected)
            {
                Assert.Equal(t.shape, file.Tensors[name].shape);
                Assert.True(t.eq(file.Tensors[name]).all().item<bool>(), $"{name} differs after export");
            }
            // The network has three parts: online and EMA target encoders, and the two predictors.
            Assert.Contains("online.stem.project.weight", file.Tensors.Keys);
            Assert.Contains("target.level1.pos", file.Tensors.Keys);
            Assert.Contains("predictor2.heads.0.weight", file.Tensors.Keys);
            Assert.Equal(expected.Count, result.Tensors);
            Assert.Equal(TinyCheckpoint.Step.ToString(), file.Metadata["step"]);
            Assert.Equal(ExportConfig.FormatVersion.ToString(), file.Metadata["format_version"]);
        }
    }

    [Fact]
    public void A_pixel_objective_checkpoint_exports_without_its_decoder_and_says_how_many_tensors_it_left_out()
    {
        var dir = JepaProcess.TempDir("export-pixel");
        var ckpt = Path.Combine(dir, "pixel.ckpt");
        var config = new JepaConfig
        {
            Data = new DataConfig { Size = 32, Frames = 4 },
            Model = TinyCheckpointModel(),
            Train = new TrainConfig { Objective = "pixel" },
        };
        int decoderTensors, networkTensors;
        using (var model = new HJepa(Presets.Resolve(config.Model), 32, 4, "pixel"))
        {
            var dict = model.state_dict();
            decoderTensors = dict.Keys.Count(k => k.StartsWith("pixels."));
            networkTensors = dict.Count - decoderTensors;
            Checkpoint.Save(ckpt, config, 5, model, null);
        }
        Assert.True(decoderTensors > 0, "the pixel model has a decoder");

        var result = ModelExport.Run(ckpt, Path.Combine(dir, "out"), overwrite: false);

        var file = SafeTensorsFile.Read(result.ModelPath);
        Assert.DoesNotContain(file.Tensors.Keys, k => k.StartsWith("pixels."));
        Assert.Contains("online.stem.project.weight", file.Tensors.Keys);
        Assert.Equal(networkTensors, result.Tensors);
        Assert.Equal(decoderTensors, result.LeftOut);
        // An ema checkpoint leaves nothing out.
        Assert.Equal(0, ModelExport.Run(TinyCheckpoint.Write(Path.Combine(dir, "ema.ckpt")), Path.Combine(dir, "out-ema"), overwrite: false).LeftOut);
    }

    private static ModelConfig TinyCheckpointModel()
    {
        var spec = HJepaTests.Tiny();
        return new ModelConfig { Dim = spec.Dim, Depth = spec.Depth, Heads = spec.Heads, PredictorDim = spec.PredictorDim, PredictorDepth = spec.PredictorDepth, Level2Depth = spec.Level2Depth, StemStride = spec.StemStride, MlpRatio = spec.MlpRatio };
    }

    [Fact]
    public void Config_json_holds_the_resolved_sizes_and_every_config_key()
    {
        var dir = JepaProcess.TempDir("export-config");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var result = ModelExport.Run(ckpt, Path.Combine(dir, "out"), overwrite: false);

        using var doc = JsonDocument.Parse(File.ReadAllText(result.ConfigPath));
        var root = doc.RootElement;
        Assert.Equal("jepa-export", root.GetProperty("format").GetString());
        Assert.Equal(TinyCheckpoint.Step, root.GetProperty("step").GetInt64());
        var config = root.GetProperty("config");
        var spec = HJepaTests.Tiny();
        Assert.Equal(spec.Dim, config.GetProperty("model").GetProperty("dim").GetInt32());
        Assert.Equal(spec.StemStride, config.GetProperty("model").GetProperty("stem_stride").GetInt32());
        Assert.Equal(32, config.GetProperty("data").GetProperty("size").GetInt32());
        Assert.Equal(4, config.GetProperty("data").GetProperty("frames").GetInt32());
        Assert.Equal(16, root.GetProperty("tokens").GetProperty("level1").GetInt32()); // 32 px / stride 8 = 4×4
        Assert.Equal(0.485, root.GetProperty("input").GetProperty("mean")[0].GetDouble());
        // Every key of the YAML schema is there, under the same name and section.
        foreach (var path in ConfigSchema.AllPaths)
        {
            var node = config;
            foreach (var part in path.Split('.'))
                Assert.True(node.TryGetProperty(part, out node), $"config.json lacks '{path}'");
        }
    }

    [Fact]
    public void The_safetensors_header_is_padded_to_8_bytes_and_states_its_length()
    {
        var dir = JepaProcess.TempDir("export-header");
        var path = Path.Combine(dir, "x.safetensors");
        SafeTensors.Write(path, [("a", arange(3f)), ("b.c", ones(2, 2)), ("scalar", tensor(7f))], new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        long n = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + (3 + 4 + 1) * 4, bytes.LongLength);
        var file = SafeTensorsFile.Read(path);
        Assert.Equal(new[] { "a", "b.c", "scalar" }, file.Order);
        Assert.Equal(7f, file.Tensors["scalar"].item<float>());
        Assert.Empty(file.Tensors["scalar"].shape);
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Export_command_writes_both_files_and_refuses_a_folder_that_is_not_empty_without_overwrite()
    {
        var dir = JepaProcess.TempDir("export-cli");
        TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var first = JepaProcess.Run(dir, "export", "--checkpoint", "tiny.ckpt", "--out", "exported");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("model.safetensors", first.Stdout);
        var model = Path.Combine(dir, "exported", "model.safetensors");
        Assert.True(File.Exists(model) && File.Exists(Path.Combine(dir, "exported", "config.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "exported"), "*.tmp"));

        var again = JepaProcess.Run(dir, "export", "--checkpoint", "tiny.ckpt", "--out", "exported");
        JepaProcess.AssertOneSentence(again, "--overwrite");

        File.WriteAllText(model, "stale");
        var overwritten = JepaProcess.Run(dir, "export", "--checkpoint", "tiny.ckpt", "--out", "exported", "--overwrite");
        Assert.True(overwritten.ExitCode == 0, overwritten.Stderr);
        Assert.NotEqual("stale", File.ReadAllText(model)[..5]);
    }

    [Fact]
    public void Export_of_a_missing_or_damaged_checkpoint_exits_2_with_one_sentence_and_writes_nothing()
    {
        var dir = JepaProcess.TempDir("export-bad");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "export", "--checkpoint", "nope.ckpt", "--out", "out"), "nope.ckpt");
        File.WriteAllText(Path.Combine(dir, "junk.ckpt"), "not a checkpoint at all, just text");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "export", "--checkpoint", "junk.ckpt", "--out", "out"), "junk.ckpt");
        Assert.False(Directory.Exists(Path.Combine(dir, "out")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "out")).Any());
        Assert.Equal(2, JepaProcess.Run(dir, "export", "--checkpoint", "junk.ckpt").ExitCode); // --out is required
    }
}
