using Jepa.Config;
using static TorchSharp.torch;

namespace Jepa.Models.Objectives;

/// <summary>
/// The generative baseline: the same encoders and predictors, but the predicted embedding of step t+k
/// goes through the <see cref="PixelDecoder"/> and is scored by the MSE against the normalised pixel
/// patches of frame (level 2: chunk) t+k. No embedding target, no EMA. Needs a model built for pixel.
/// </summary>
public sealed class PixelObjective(LossConfig weights) : IObjective
{
    public string Name => "pixel";
    public bool UsesEma => false;

    public LossTerms Loss(JepaOutput output)
    {
        var pixels = output.Pixels ?? throw new InvalidOperationException("the pixel objective needs a model built with objective pixel (it has the pixel decoder)");
        return Objective.Weighted(
            Objective.OverHorizons(pixels[0], (p, t) => nn.functional.mse_loss(p, t)),
            Objective.OverHorizons(pixels[1], (p, t) => nn.functional.mse_loss(p, t)),
            weights);
    }
}
