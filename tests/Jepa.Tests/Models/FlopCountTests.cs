using Jepa.Config;
using Jepa.Models;

namespace Jepa.Tests.Models;

public class FlopCountTests
{
    // dim 32, 2 heads, depth 1, predictor 16 × 1, stride 4 (two stem stages: 3 → 16 → 32 channels),
    // MLP ×2, horizon 1, chunk 2, no level-2 pooling; 8×8 frames → 2×2 = 4 tokens; 2 frames; batch 1.
    private static readonly ModelSpec Small = new(Dim: 32, Depth: 1, Heads: 2, PredictorDim: 16, PredictorDepth: 1, Level2Depth: 1,
        StemStride: 4, MlpRatio: 2, Horizon: 1, Chunk: 2, Level2Pool: 1, Level2Horizon: 1);

    [Fact]
    public void A_training_step_of_a_tiny_model_counts_the_flops_worked_out_by_hand()
    {
        // Stem per frame: conv 3→16 at 4×4 out, conv 16→32 at 2×2 out, 1×1 projection 32→32 at 2×2.
        double stem = 2 * 9 * 3 * 16 * 16 + 2 * 9 * 16 * 32 * 4 + 2 * 32 * 32 * 4;                    // 58 880
        // Encoder block over 4 tokens of 32: qkv, QKᵀ and AV, projection, MLP 32→64→32.
        double block = 2 * 4 * 32 * 96 + 2 * 2 * 4 * 4 * 32 + 2 * 4 * 32 * 32 + 2 * 2 * 4 * 32 * 64;  // 67 584
        double encoders = 2 * stem + 2 * block + 1 * block;                                            // 2 frames at level 1, 1 chunk at level 2
        // Level-1 predictor over 2×4 = 8 tokens, width 16: input projection, one block, one head.
        double p1 = 2 * 8 * 32 * 16 + (2 * 8 * 16 * 48 + 2 * 2 * 8 * 8 * 16 + 2 * 8 * 16 * 16 + 2 * 2 * 8 * 16 * 32) + 2 * 8 * 16 * 32;
        // Level-2 predictor over 1×4 = 4 tokens.
        double p2 = 2 * 4 * 32 * 16 + (2 * 4 * 16 * 48 + 2 * 2 * 4 * 4 * 16 + 2 * 4 * 16 * 16 + 2 * 2 * 4 * 16 * 32) + 2 * 4 * 16 * 32;
        // Forward + backward (2× forward) of what is trained, forward of the EMA target.
        double expected = 3 * (encoders + p1 + p2) + encoders;

        Assert.Equal(1_518_592, expected);
        Assert.Equal(expected, FlopCount.TrainStep(Small, size: 8, frames: 2, batch: 1));
        Assert.Equal(3 * expected, FlopCount.TrainStep(Small, size: 8, frames: 2, batch: 3));
        using var model = new HJepa(Small, 8, 2); // the spec is a model that builds
    }

    [Fact]
    public void The_blurred_stem_adds_one_depthwise_3x3_per_stage_input()
    {
        double plain = FlopCount.Stem(Small, 8), blurred = FlopCount.Stem(Small with { StemBlur = true }, 8);
        Assert.Equal(2 * 9 * 3 * 8 * 8 + 2 * 9 * 16 * 4 * 4, blurred - plain);
    }
}
