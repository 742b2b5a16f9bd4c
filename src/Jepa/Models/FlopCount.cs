using Jepa.Config;

namespace Jepa.Models;

/// <summary>
/// Floating-point operations of one training step, counted from the model's shapes: every convolution,
/// linear layer and attention product (2 per multiply-add); norms, activations, pooling and the loss are
/// left out (a few percent). Backward costs twice the forward of what is trained (online encoders and
/// predictors); the EMA target runs forward only. This is the count MFU is measured against.
/// </summary>
public static class FlopCount
{
    /// <summary>FLOPs of one training step on <paramref name="batch"/> clips of <paramref name="frames"/> frames of <paramref name="size"/>².</summary>
    public static double TrainStep(ModelSpec spec, int size, int frames, int batch)
    {
        double encoders = EncoderForward(spec, size, frames);
        double predictors = PredictorForward(spec, size, frames);
        return batch * (3 * (encoders + predictors) + encoders);
    }

    /// <summary>Forward FLOPs of stem, level-1 and level-2 encoders for one clip.</summary>
    public static double EncoderForward(ModelSpec s, int size, int frames)
    {
        int n1 = Models.Encoders.Level1Tokens(s, size), n2 = Models.Encoders.Level2Tokens(s, size);
        return frames * Stem(s, size)
               + frames * s.Depth * Block(n1, s.Dim, s.MlpRatio)
               + frames / s.Chunk * s.Level2Depth * Block(n2, s.Dim, s.MlpRatio);
    }

    /// <summary>Forward FLOPs of both predictors for one clip (teacher forcing over every step at once).</summary>
    public static double PredictorForward(ModelSpec s, int size, int frames) =>
        Predictor(frames, Models.Encoders.Level1Tokens(s, size), s.Dim, s.PredictorDim, s.PredictorDepth, s.MlpRatio, s.Horizon)
        + Predictor(frames / s.Chunk, Models.Encoders.Level2Tokens(s, size), s.Dim, s.PredictorDim, s.PredictorDepth, s.MlpRatio, s.Level2Horizon);

    /// <summary>One frame through the conv stem: per stage an optional 3×3 depthwise blur and a 3×3 stride-2 conv, then a 1×1 projection.</summary>
    public static double Stem(ModelSpec s, int size)
    {
        int stages = (int)Math.Round(Math.Log2(s.StemStride));
        double flops = 0;
        long inChannels = 3, side = size;
        for (int i = 0; i < stages; i++)
        {
            long outChannels = ConvStem.StageChannels(s.Dim, stages, i);
            if (s.StemBlur) flops += 2.0 * 9 * inChannels * side * side;
            side = (side + 1) / 2; // kernel 3, stride 2, padding 1
            flops += 2.0 * 9 * inChannels * outChannels * side * side;
            inChannels = outChannels;
        }
        return flops + 2.0 * inChannels * s.Dim * side * side;
    }

    /// <summary>A pre-norm block over <paramref name="n"/> tokens of width <paramref name="d"/>: qkv, QKᵀ, AV, projection, MLP.</summary>
    public static double Block(long n, long d, double mlpRatio)
    {
        long hidden = (long)Math.Round(d * mlpRatio);
        return 2.0 * n * d * 3 * d + 2.0 * 2 * n * n * d + 2.0 * n * d * d + 2.0 * 2 * n * d * hidden;
    }

    private static double Predictor(int steps, int tokens, int inDim, int dim, int depth, double mlpRatio, int horizons)
    {
        long n = (long)steps * tokens; // one sequence; the frame-causal mask is additive, so every pair is computed
        return 2.0 * n * inDim * dim + depth * Block(n, dim, mlpRatio) + horizons * 2.0 * n * dim * inDim;
    }
}
