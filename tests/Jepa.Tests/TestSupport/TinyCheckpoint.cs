using Jepa.Config;
using Jepa.Models;
using Jepa.Tests.Models;
using Jepa.Training;

namespace Jepa.Tests.TestSupport;

/// <summary>A real checkpoint of the tests' tiny model (32 px, 4 frames), untrained, at step 3.</summary>
public static class TinyCheckpoint
{
    public const long Step = 3;

    /// <summary>Writes it to <paramref name="path"/> and returns the path.</summary>
    /// <param name="actionDim">model.action_dim (0: no actions; 2: the rooms world's, for jepa plan)</param>
    /// <param name="plan">the plan: section (CEM settings) the checkpoint carries</param>
    public static string Write(string path, int actionDim = 0, PlanConfig? plan = null)
    {
        var spec = HJepaTests.Tiny();
        var config = new JepaConfig
        {
            Data = new DataConfig { Size = 32, Frames = 4, Hflip = actionDim == 0, CropScaleMin = actionDim == 0 ? new DataConfig().CropScaleMin : 1 },
            Plan = plan ?? new PlanConfig(),
            Model = new ModelConfig { ActionDim = actionDim, Dim = spec.Dim, Depth = spec.Depth, Heads = spec.Heads, PredictorDim = spec.PredictorDim, PredictorDepth = spec.PredictorDepth, Level2Depth = spec.Level2Depth, StemStride = spec.StemStride, MlpRatio = spec.MlpRatio },
        };
        using var model = new HJepa(Presets.Resolve(config.Model), 32, 4);
        Checkpoint.Save(path, config, Step, model, null);
        return path;
    }
}
