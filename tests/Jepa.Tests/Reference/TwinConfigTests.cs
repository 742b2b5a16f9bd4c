using System.Text.Json;
using Jepa.Config;
using Jepa.Export;
using Jepa.Tests.Cli;
using Jepa.Tests.Config;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Reference;

/// <summary>
/// scripts/reference/jepa_config.py keeps its own copy of the defaults and presets (bench.py reads YAML
/// configs with it): whatever it resolves must be what the C# loader resolves, key for key.
/// </summary>
public class TwinConfigTests
{
    [Theory]
    [InlineData("quickstart.yaml")]
    [InlineData("physics-cpu.yaml", "train.steps=70", "model.dim=64", "data.fps=4.5", "model.stem_blur=false")]
    [InlineData("base.yaml", "model.depth=null", "train.device=cpu")]
    public void The_twin_resolves_a_yaml_config_and_its_sets_exactly_as_jepa_does(string file, params string[] sets)
    {
        ReferencePython.RequireYaml();
        var path = Path.Combine(RepoPaths.Configs, file);
        var expected = ExportConfig.ToJson(Presets.WithResolvedModel(ConfigLoader.Load(path, sets))).ToJsonString();
        var r = ReferencePython.Run("jepa_config.py", ["--config", path, .. sets.SelectMany(s => new[] { "--set", s })]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertSameJson(expected, r.Stdout, "");
    }

    [Fact]
    public void The_twin_reads_an_export_config_json_as_the_whole_config()
    {
        var dir = JepaProcess.TempDir("twin-config");
        var export = ModelExport.Run(TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt")), Path.Combine(dir, "out"), overwrite: false);
        using var doc = JsonDocument.Parse(File.ReadAllText(export.ConfigPath));
        var r = ReferencePython.Run("jepa_config.py", "--config", export.ConfigPath);
        Assert.True(r.ExitCode == 0, r.Stderr);
        AssertSameJson(doc.RootElement.GetProperty("config").GetRawText(), r.Stdout, "");
    }

    [Fact]
    public void The_twin_refuses_an_unknown_key_with_one_sentence_and_exit_2()
    {
        var r = ReferencePython.Run("jepa_config.py", "--set", "train.stpes=5");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.Stderr);
        Assert.Contains("train.stpes", r.Stderr);
    }

    private static void AssertSameJson(string expected, string actual, string path)
    {
        using var a = JsonDocument.Parse(expected);
        using var b = JsonDocument.Parse(actual);
        Same(a.RootElement, b.RootElement, path);
    }

    private static void Same(JsonElement csharp, JsonElement twin, string path)
    {
        if (csharp.ValueKind == JsonValueKind.Number && twin.ValueKind == JsonValueKind.Number)
        {
            Assert.True(csharp.GetDouble() == twin.GetDouble(), $"'{path}': {csharp} in C#, {twin} in the twin");
            return;
        }
        Assert.True(csharp.ValueKind == twin.ValueKind, $"'{path}': {csharp.ValueKind} in C#, {twin.ValueKind} in the twin");
        switch (csharp.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = csharp.EnumerateObject().Select(p => p.Name).Order().ToList();
                Assert.True(keys.SequenceEqual(twin.EnumerateObject().Select(p => p.Name).Order()),
                    $"'{path}': keys {string.Join(",", keys)} in C#, {string.Join(",", twin.EnumerateObject().Select(p => p.Name).Order())} in the twin");
                foreach (var key in keys) Same(csharp.GetProperty(key), twin.GetProperty(key), path.Length == 0 ? key : path + "." + key);
                break;
            case JsonValueKind.String:
                Assert.True(csharp.GetString() == twin.GetString(), $"'{path}': '{csharp}' in C#, '{twin}' in the twin");
                break;
        }
    }
}
