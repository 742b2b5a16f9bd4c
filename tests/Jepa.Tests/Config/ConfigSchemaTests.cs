using Jepa.Config;

namespace Jepa.Tests.Config;

public sealed class ConfigSchemaTests
{
    [Fact]
    public void Every_config_field_has_a_yaml_form()
    {
        // A new field of a type the loader cannot parse must fail here, not in a user's run.
        foreach (var path in ConfigSchema.AllPaths)
        {
            var parts = path.Split('.');
            var type = typeof(JepaConfig);
            foreach (var part in parts) type = ConfigSchema.KeysOf(type)[part].PropertyType;
            if (!ConfigSchema.IsSection(type)) ConfigSchema.KindOf(type);
        }
    }

    [Fact]
    public void Keys_are_snake_case_as_written_in_configs()
    {
        Assert.Contains("train.checkpoint_every", ConfigSchema.AllPaths);
        Assert.Contains("model.level2_horizon", ConfigSchema.AllPaths);
        Assert.Contains("data.cache_mb", ConfigSchema.AllPaths);
        Assert.Contains("train.loss.level2", ConfigSchema.AllPaths);
        Assert.DoesNotContain(ConfigSchema.AllPaths, p => p.Any(char.IsUpper));
    }

    [Theory]
    [InlineData("train.stpes", "train.steps")]
    [InlineData("train.batchsize", "train.batch_size")]
    [InlineData("model.level_2_pool", "model.level2_pool")]
    [InlineData("train.frames", "data.frames")]
    [InlineData("foo", null)]
    public void Suggestions_name_the_closest_key_or_nothing(string bad, string? expected)
    {
        Assert.Equal(expected, ConfigSchema.Suggest(bad));
    }

    [Fact]
    public void The_config_folder_never_touches_torch()
    {
        // ARCHITECTURE: Config is plain records and YAML; torch starts at Data.
        var folder = Path.Combine(RepoPaths.Root, "src", "Jepa", "Config");
        foreach (var file in Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories))
            Assert.DoesNotContain("TorchSharp", File.ReadAllText(file));
    }
}
