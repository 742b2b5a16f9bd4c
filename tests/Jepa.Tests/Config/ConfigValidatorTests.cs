using Jepa.Config;

namespace Jepa.Tests.Config;

public sealed class ConfigValidatorTests : IClassFixture<TempDir>
{
    readonly TempDir _dir;

    public ConfigValidatorTests(TempDir dir) => _dir = dir;

    [Fact]
    public void The_defaults_are_valid()
    {
        ConfigValidator.Validate(new JepaConfig(), "defaults");
    }

    [Fact]
    public void A_voe_row_fixed_in_the_config_loads()
    {
        Assert.Equal("2:token_mean_time_mean", ConfigLoader.Load(null, ["eval.voe_select=2:token_mean_time_mean"]).Eval.VoeSelect);
        Assert.Null(ConfigLoader.Load(null, []).Eval.VoeSelect);
    }

    // Each row: the key the message must name, then the --set values that break it.
    [Theory]
    [InlineData("name", "name=")]
    [InlineData("name", "name=a/b")]
    [InlineData("eval.voe_select", "eval.voe_select=3:token_mean_time_max")]
    [InlineData("eval.voe_select", "eval.voe_select=token_mean_time_max")]
    [InlineData("data.train", "data.train=")]
    [InlineData("data.val", "data.val= ")]
    [InlineData("data.frames", "data.frames=0")]
    [InlineData("data.fps", "data.fps=0")]
    [InlineData("data.fps", "data.fps=-8")]
    [InlineData("data.size", "data.size=0")]
    [InlineData("data.size", "data.size=60")]
    [InlineData("data.workers", "data.workers=-1")]
    [InlineData("data.cache_mb", "data.cache_mb=-1")]
    [InlineData("train.keep_checkpoints", "train.keep_checkpoints=0")]
    [InlineData("train.max_bad_steps", "train.max_bad_steps=0")]
    [InlineData("data.crop_scale_min", "data.crop_scale_min=0")]
    [InlineData("data.crop_scale_min", "data.crop_scale_min=1.5")]
    [InlineData("data.short_videos", "data.short_videos=drop")]
    [InlineData("data.decode_timeout_s", "data.decode_timeout_s=0")]
    [InlineData("data.clips_per_span", "data.clips_per_span=0")]
    [InlineData("data.decode_threads", "data.decode_threads=-1")]
    [InlineData("data.index", "data.index=videos.txt")]
    [InlineData("model.preset", "model.preset=huge")]
    [InlineData("model.dim", "model.dim=0")]
    [InlineData("model.dim", "model.dim=98")]
    [InlineData("model.dim", "model.dim=100")]
    [InlineData("model.dim", "model.dim=104", "model.heads=8", "model.predictor_dim=96")]
    [InlineData("model.dim", "model.dim=18", "model.heads=2", "model.predictor_dim=16", "model.stem_stride=2", "data.size=32")]
    [InlineData("model.mlp_ratio", "model.mlp_ratio=0.001")]
    [InlineData("model.mlp_ratio", "model.mlp_ratio=0.005", "model.dim=128", "model.predictor_dim=64")]
    [InlineData("model.mlp_ratio", "model.mlp_ratio=1e12")]
    [InlineData("model.depth", "model.depth=0")]
    [InlineData("model.heads", "model.heads=0")]
    [InlineData("model.heads", "model.heads=-2")]
    [InlineData("model.predictor_dim", "model.predictor_dim=0")]
    [InlineData("model.predictor_dim", "model.predictor_dim=90")]
    [InlineData("model.predictor_depth", "model.predictor_depth=0")]
    [InlineData("model.level2_depth", "model.level2_depth=0")]
    [InlineData("model.stem_stride", "model.stem_stride=0")]
    [InlineData("model.stem_stride", "model.stem_stride=12", "data.size=48")]
    [InlineData("model.stem_stride", "model.stem_stride=16", "data.size=72")]
    [InlineData("model.mlp_ratio", "model.mlp_ratio=0")]
    [InlineData("model.horizon", "model.horizon=0")]
    [InlineData("model.horizon", "model.horizon=8")]
    [InlineData("model.chunk", "model.chunk=0")]
    [InlineData("model.chunk", "model.chunk=3")]
    [InlineData("model.level2_horizon", "model.chunk=8")]
    [InlineData("model.level2_horizon", "model.chunk=4", "model.level2_horizon=2")]
    [InlineData("model.level2_horizon", "model.level2_horizon=0")]
    [InlineData("model.level2_pool", "model.level2_pool=0")]
    [InlineData("model.level2_pool", "model.level2_pool=3")]
    [InlineData("train.steps", "train.steps=0")]
    [InlineData("train.steps", "train.steps=-5")]
    [InlineData("train.batch_size", "train.batch_size=0")]
    [InlineData("train.lr", "train.lr=0")]
    [InlineData("train.lr", "train.lr=-0.001")]
    [InlineData("train.min_lr", "train.min_lr=-1")]
    [InlineData("train.min_lr", "train.min_lr=0.01")]
    [InlineData("train.warmup_steps", "train.warmup_steps=-1")]
    [InlineData("train.warmup_steps", "train.warmup_steps=1000")]
    [InlineData("train.weight_decay", "train.weight_decay=-0.1")]
    [InlineData("train.weight_decay_end", "train.weight_decay_end=-0.1")]
    [InlineData("train.ema_start", "train.ema_start=1.5")]
    [InlineData("train.ema_start", "train.ema_start=-0.1")]
    [InlineData("train.ema_end", "train.ema_end=1.01")]
    [InlineData("train.ema_start", "train.ema_start=0.999", "train.ema_end=0.99")]
    [InlineData("train.grad_clip", "train.grad_clip=-1")]
    [InlineData("train.checkpoint_every", "train.checkpoint_every=0")]
    [InlineData("train.device", "train.device=gpu")]
    [InlineData("train.device", "train.device=cuda:")]
    [InlineData("train.device", "train.device=cuda:12345678901")]
    [InlineData("train.threads", "train.threads=-1")]
    [InlineData("train.loss.level1", "train.loss.level1=-1")]
    [InlineData("train.loss.level2", "train.loss.level2=-0.5")]
    [InlineData("train.loss.variance", "train.loss.variance=-1")]
    [InlineData("train.loss.covariance", "train.loss.covariance=-1")]
    [InlineData("train.loss.level2", "train.loss.level1=0", "train.loss.level2=0")]
    [InlineData("train.objective", "train.objective=simclr")]
    [InlineData("train.objective", "train.objective=")]
    [InlineData("train.loss.vicreg_invariance", "train.loss.vicreg_invariance=-1")]
    [InlineData("train.loss.vicreg_variance", "train.loss.vicreg_variance=-1")]
    [InlineData("train.loss.vicreg_covariance", "train.loss.vicreg_covariance=-1")]
    [InlineData("train.loss.barlow_lambda", "train.loss.barlow_lambda=-0.1")]
    [InlineData("train.loss.temperature", "train.loss.temperature=0")]
    [InlineData("eval.clips", "eval.clips=0")]
    [InlineData("eval.batch_size", "eval.batch_size=0")]
    [InlineData("log.every", "log.every=0")]
    public void Impossible_values_are_usage_errors_naming_the_key(string key, params string[] sets)
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(null, sets));
        Assert.Contains($"'{key}'", e.Message);
        Assert.StartsWith("--set: ", e.Message);
        // One sentence: it ends once, and carries no line breaks.
        Assert.DoesNotContain('\n', e.Message);
        Assert.EndsWith(".", e.Message);
    }

    [Theory]
    [InlineData("train.device=cpu")]
    [InlineData("train.device=cuda")]
    [InlineData("train.device=cuda:3")]
    [InlineData("train.device=CPU")]
    [InlineData("train.device=CUDA:0")]
    [InlineData("train.device=Auto")]
    [InlineData("train.warmup_steps=0")]
    [InlineData("train.grad_clip=0")]
    [InlineData("train.ema_start=1", "train.ema_end=1")]
    [InlineData("model.preset=small", "data.size=64")]
    [InlineData("model.dim=64", "model.heads=8", "model.predictor_dim=64")]
    [InlineData("data.frames=16", "model.chunk=4", "model.level2_horizon=3")]
    [InlineData("model.dim=112")]
    [InlineData("model.dim=8", "model.heads=2", "model.predictor_dim=8")]
    [InlineData("model.mlp_ratio=0.011")]
    [InlineData("train.objective=VICReg")]
    [InlineData("train.objective=pixel")]
    [InlineData("train.objective=none")]
    public void Edge_values_that_can_run_are_accepted(params string[] sets)
    {
        ConfigLoader.Load(null, sets);
    }

    [Theory]
    [InlineData("name: \"a\\nb\"\n", "'name' is 'a\\nb', which is not a folder name")]
    [InlineData("data:\n  short_videos: \"drop\\tall\\r\\n\"\n", "'data.short_videos' is 'drop\\tall\\r\\n'")]
    [InlineData("seed: \"1\\n2\"\n", "'seed' must be a whole number such as 0, got '1\\n2'")]
    public void A_value_with_a_line_break_or_tab_is_shown_escaped_so_the_message_stays_one_line(string yaml, string expected)
    {
        var path = _dir.Write(yaml, "escaped.yaml");
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(path, []));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_dim_whose_stem_stage_does_not_split_into_its_norm_groups_names_the_stage_and_dims_that_fit()
    {
        // Before, model.dim=100 passed and GroupNorm(6 groups, 25 channels) died in libtorch.
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(null, ["model.dim=100"]));
        Assert.Equal("--set: 'model.dim' (100) with 'model.stem_stride' (16, from preset tiny) makes stem stages of 16, 25, 50, 100 channels, " +
                     "and its GroupNorm cannot split 25 channels into 6 groups; use a dim such as 96 or 112.", e.Message);
    }

    [Fact]
    public void A_dim_that_does_not_divide_by_the_heads_is_offered_dims_that_also_fit_the_stem()
    {
        // 100 is a multiple of 4 next to 98, but its stem does not fit: offering it would only lead to the next error.
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(null, ["model.dim=98"]));
        Assert.EndsWith("pick a multiple of 4 such as 96 or 112.", e.Message);
        ConfigLoader.Load(null, ["model.dim=112"]);
    }

    [Fact]
    public void A_preset_value_is_named_as_coming_from_the_preset()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(null, ["model.heads=5"]));
        Assert.Contains("'model.dim' (96, from preset tiny) must be divisible by 'model.heads' (5)", e.Message);
    }
}
