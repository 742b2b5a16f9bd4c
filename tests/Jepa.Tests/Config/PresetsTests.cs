using Jepa.Config;

namespace Jepa.Tests.Config;

public sealed class PresetsTests
{
    [Theory]
    [InlineData("tiny", 96, 2, 4, 96, 2, 1, 16)]
    [InlineData("small", 192, 4, 6, 192, 4, 2, 16)]
    [InlineData("base", 384, 8, 6, 288, 6, 3, 16)]
    [InlineData("large", 768, 12, 12, 384, 8, 4, 16)]
    public void Presets_resolve_to_their_numbers(string preset, int dim, int depth, int heads, int pdim, int pdepth, int l2depth, int stride)
    {
        var s = Presets.Resolve(new ModelConfig { Preset = preset });
        Assert.Equal(new ModelSpec(dim, depth, heads, pdim, pdepth, l2depth, stride, 4, 2, 2, 2, 1), s);
    }

    [Fact]
    public void Config_values_win_over_the_preset_field_by_field()
    {
        var s = Presets.Resolve(new ModelConfig { Preset = "base", Dim = 512, StemStride = 8, Horizon = 3 });
        Assert.Equal(512, s.Dim);
        Assert.Equal(8, s.StemStride);
        Assert.Equal(3, s.Horizon);
        Assert.Equal(8, s.Depth); // untouched fields stay the preset's
        Assert.Equal(6, s.Heads);
    }

    [Fact]
    public void An_unknown_preset_is_a_usage_error_listing_the_presets()
    {
        var e = Assert.Throws<UsageException>(() => Presets.Resolve(new ModelConfig { Preset = "huge" }));
        Assert.Contains("'model.preset'", e.Message);
        Assert.Contains("tiny, small, base, large", e.Message);
    }

    [Fact]
    public void WithResolvedModel_fills_only_the_null_sizes()
    {
        var c = new JepaConfig { Model = new ModelConfig { Preset = "small", Heads = 8 } };
        var r = Presets.WithResolvedModel(c);
        Assert.Equal(192, r.Model.Dim);
        Assert.Equal(8, r.Model.Heads);
        Assert.Equal(16, r.Model.StemStride);
        Assert.Equal(Presets.Resolve(c.Model), Presets.Resolve(r.Model));
        Assert.Equal(c with { Model = r.Model }, r);
    }
}
