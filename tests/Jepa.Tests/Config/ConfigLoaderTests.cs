using Jepa.Config;

namespace Jepa.Tests.Config;

public sealed class ConfigLoaderTests : IClassFixture<TempDir>
{
    readonly TempDir _dir;

    public ConfigLoaderTests(TempDir dir) => _dir = dir;

    static UsageException Fails(Action action) => Assert.Throws<UsageException>(action);

    [Fact]
    public void Defaults_round_trip_through_yaml()
    {
        var defaults = new JepaConfig();
        var yaml = ConfigLoader.ToYaml(defaults);
        Assert.Equal(defaults, ConfigLoader.FromYaml(yaml, "round-trip"));
        Assert.Contains("checkpoint_every: 500", yaml);
        Assert.Contains("batch_size: 16", yaml);
        Assert.Contains("cache_mb: 1024", yaml);
        Assert.Contains("level2_horizon: 1", yaml);
    }

    [Fact]
    public void A_resolved_config_with_odd_values_round_trips()
    {
        var config = Presets.WithResolvedModel(new JepaConfig
        {
            Name = "odd",
            Data = new DataConfig { Train = "yes", Val = "data/a: b #c", Fps = 1.0 / 3 },
            Train = new TrainConfig { Lr = 6.25e-4, MinLr = 1e-7, Device = "cuda:1" },
        });
        var back = ConfigLoader.FromYaml(ConfigLoader.ToYaml(config), "round-trip");
        Assert.Equal(config, back);
        Assert.Equal(96, back.Model.Dim);
    }

    [Fact]
    public void No_file_and_no_sets_gives_the_defaults()
    {
        Assert.Equal(new JepaConfig(), ConfigLoader.Load(null, []));
    }

    [Fact]
    public void A_file_overrides_only_its_keys()
    {
        var path = _dir.Write("train:\n  steps: 50\nmodel:\n  dim: 64\n", "diff.yaml");
        var c = ConfigLoader.Load(path, []);
        var d = new JepaConfig();
        Assert.Equal(d with { Train = d.Train with { Steps = 50 }, Model = d.Model with { Dim = 64 } }, c);
    }

    [Fact]
    public void Set_beats_the_file()
    {
        var path = _dir.Write("train:\n  steps: 50\n", "set-beats.yaml");
        var c = ConfigLoader.Load(path, ["train.steps=70", "seed=3"]);
        Assert.Equal(70, c.Train.Steps);
        Assert.Equal(3, c.Seed);
    }

    [Fact]
    public void Set_reaches_nested_keys_and_keeps_their_siblings()
    {
        var c = ConfigLoader.Load(null, ["train.loss.level2=0.5", "model.dim=96", "data.train=/x/y"]);
        Assert.Equal(0.5, c.Train.Loss.Level2);
        Assert.Equal(1.0, c.Train.Loss.Level1);
        Assert.Equal(96, c.Model.Dim);
        Assert.Equal("/x/y", c.Data.Train);
        Assert.Equal(new DataConfig().Val, c.Data.Val);
    }

    [Fact]
    public void Set_of_null_puts_a_model_size_back_to_the_preset()
    {
        var path = _dir.Write("model:\n  dim: 64\n", "null-set.yaml");
        Assert.Null(ConfigLoader.Load(path, ["model.dim=null"]).Model.Dim);
    }

    [Theory]
    [InlineData("train.stpes=5", "unknown key 'train.stpes'; did you mean 'train.steps'?")]
    [InlineData("trian.steps=5", "did you mean 'train.steps'?")]
    [InlineData("train.frames=5", "did you mean 'data.frames'?")]
    [InlineData("train.zzzzzz=5", "the keys here are train.steps, train.batch_size")]
    [InlineData("foo=5", "unknown key 'foo'; the keys here are name, seed, data")]
    [InlineData("train.steps=abc", "'train.steps' must be a whole number such as 1000, got 'abc'")]
    [InlineData("train.lr=fast", "'train.lr' must be a number")]
    [InlineData("data.hflip=maybe", "'data.hflip' must be true or false")]
    [InlineData("train.steps", "needs the form key=value")]
    [InlineData("=5", "needs the form key=value")]
    [InlineData("train=5", "'train' is a section, not a value")]
    [InlineData("seed.x=5", "'seed' is a single value")]
    public void Bad_sets_are_usage_errors_naming_the_key(string set, string expected)
    {
        var e = Fails(() => ConfigLoader.Load(null, [set]));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("--set '" + set + "'", e.Message);
    }

    [Fact]
    public void An_unknown_key_in_a_file_names_the_line_and_the_dotted_key()
    {
        var path = _dir.Write("name: x\n\ntrain:\n  stpes: 5\n", "unknown.yaml");
        var e = Fails(() => ConfigLoader.Load(path, []));
        Assert.Equal($"{path} line 4: unknown key 'train.stpes'; did you mean 'train.steps'?", e.Message);
    }

    [Theory]
    [InlineData("train:\n  steps: abc\n", "line 2: 'train.steps' must be a whole number such as 1000, got 'abc'")]
    [InlineData("train:\n  steps: 5.5\n", "'train.steps' must be a whole number")]
    [InlineData("train:\n  steps:\n", "'train.steps' must be a whole number such as 1000, got nothing")]
    [InlineData("train: 5\n", "line 1: 'train' is a section, not a value")]
    [InlineData("train:\n  steps: [1, 2]\n", "'train.steps' must be a whole number such as 1000, not a list")]
    [InlineData("data:\n  train:\n", "'data.train' must be text")]
    [InlineData("- a\n- b\n", "must be a mapping of keys")]
    [InlineData("train:\n  steps: 5\n train: x\n", "YAML syntax error")]
    [InlineData("a: b\n---\nc: d\n", "2 YAML documents")]
    [InlineData("train:\n  steps: 5\n  steps: 6\n", "line 3: the key steps appears twice")]
    public void Bad_files_are_usage_errors_naming_file_line_and_key(string yaml, string expected)
    {
        var path = _dir.Write(yaml, "bad.yaml");
        var e = Fails(() => ConfigLoader.Load(path, []));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_says_so_and_how_to_fix_it()
    {
        var e = Fails(() => ConfigLoader.Load("nope/x.yaml", []));
        Assert.Equal("config file 'nope/x.yaml' does not exist; pass a path to a YAML file such as configs/quickstart.yaml.", e.Message);
    }

    [Fact]
    public void Empty_files_empty_sections_and_null_sizes_keep_the_defaults()
    {
        Assert.Equal(new JepaConfig(), ConfigLoader.Load(_dir.Write("# only a comment\n", "empty.yaml"), []));
        Assert.Equal(new JepaConfig(), ConfigLoader.Load(_dir.Write("train:\nmodel:\n  dim: ~\n  depth: null\n", "nulls.yaml"), []));
    }

    [Fact]
    public void Bools_accept_yaml_spellings()
    {
        Assert.False(ConfigLoader.Load(_dir.Write("data:\n  hflip: no\n", "bool.yaml"), []).Data.Hflip);
        Assert.False(ConfigLoader.Load(null, ["data.hflip=false"]).Data.Hflip);
    }
}
