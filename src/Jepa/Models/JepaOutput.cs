using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// One level's embeddings and predictions for a batch of clips.
/// <c>Predictions[k-1]</c> [B, S-k, N, D] is the prediction, made from steps ≤ s, of <c>Targets[:, s+k]</c>;
/// <c>Targets</c> are layer-normed EMA-encoder embeddings [B, S, N, D], no gradient;
/// <c>Online</c> [B, S, N, D] are the online encoder's embeddings.
/// </summary>
public sealed record LevelOutput(Tensor Online, Tensor Targets, Tensor[] Predictions)
{
    /// <summary>The target that prediction k is compared with: steps k..S-1.</summary>
    public Tensor TargetFor(int k) => Targets.narrow(1, k, Targets.shape[1] - k);

    /// <summary>The persistence baseline for horizon k: the target of the last seen step, steps 0..S-k-1.</summary>
    public Tensor PersistenceFor(int k) => Targets.narrow(1, 0, Targets.shape[1] - k);
}

/// <summary>
/// Both levels of the hierarchy for one batch. <c>Pixels</c> (train.objective pixel only): per level, the
/// decoded pixel patches as <c>Predictions</c> and the normalised pixel patches of each step as
/// <c>Targets</c> (and <c>Online</c>), [B, S, N, P] with P the values of one token's patch.
/// </summary>
/// <c>Rollout</c> (train.loss.rollout only): level-1 embeddings of frames 1..S-1 imagined from frame 0's target by feeding
/// the predictor its own predictions and the clip's actions, [B, S-1, N, D]; compared with <c>Level1.Targets</c> of those frames.
public sealed record JepaOutput(LevelOutput Level1, LevelOutput Level2, IReadOnlyList<LevelOutput>? Pixels = null, Tensor? Rollout = null)
{
    public IReadOnlyList<LevelOutput> Levels => [Level1, Level2];

    /// <summary>What a level's surprise is the prediction error of: pixels for the pixel objective, else embeddings.</summary>
    public IReadOnlyList<LevelOutput> SurpriseLevels => Pixels ?? Levels;
}
