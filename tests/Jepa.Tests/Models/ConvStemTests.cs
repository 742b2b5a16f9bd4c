using Jepa.Models;
using static TorchSharp.torch;

namespace Jepa.Tests.Models;

public class ConvStemTests
{
    [Fact]
    public void Blur_keeps_a_flat_image_and_flattens_the_finest_stripes()
    {
        var flat = full(1, 2, 6, 6, 0.7f);
        var stripes = arange(6).remainder(2).to_type(ScalarType.Float32).view(1, 1, 1, 6).expand(1, 2, 6, 6).contiguous();

        using var blur = new Blur();
        var a = blur.forward(flat);
        var b = blur.forward(stripes);

        Assert.Equal(flat.shape, a.shape);
        Assert.True(a.allclose(flat, atol: 1e-6));
        // 0,1,0,1,…: every interior pixel becomes ¼·0 + ½·1 + ¼·0 or ¼·1 + ½·0 + ¼·1, both ½.
        Assert.True(b.narrow(3, 1, 4).allclose(full(1, 2, 6, 4, 0.5f), atol: 1e-6));
    }

    [Fact]
    public void A_blurred_stem_has_the_same_parameters_and_token_shape_and_an_object_moved_a_pixel_moves_its_tokens_less()
    {
        manual_seed(1);
        using var plain = new ConvStem(32, 8);
        manual_seed(1);
        using var blurred = new ConvStem(32, 8, blur: true);
        Assert.Equal(plain.parameters().Sum(p => p.numel()), blurred.parameters().Sum(p => p.numel()));

        // A bright square on a dark frame, then the same square one pixel to the right.
        var frames = zeros(new long[] { 1, 2, 3, 32, 32 });
        frames[0, 0, .., 10..18, 10..18] = tensor(1f);
        frames[0, 1, .., 10..18, 11..19] = tensor(1f);
        using var _ = no_grad();
        double Jump(ConvStem stem)
        {
            var z = stem.Forward(frames); // [1, 2, 16, 32]
            return ((z[0, 1] - z[0, 0]).norm() / z[0, 0].norm()).item<float>();
        }
        Assert.Equal(new long[] { 1, 2, 16, 32 }, blurred.Forward(frames).shape);
        Assert.True(Jump(blurred) < Jump(plain), $"blurred {Jump(blurred):F4} vs plain {Jump(plain):F4}");
    }
}
