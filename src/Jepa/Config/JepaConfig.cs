using System.Text.Json.Serialization;

namespace Jepa.Config;

// One typed config. YAML keys are the snake_case of these names (data.train, train.checkpoint_every).
// Defaults here ARE the quickstart: a CPU-sized run on the generated bouncing-object videos.
// A config file is a short diff of these defaults.

/// <summary>The whole experiment: what to read, what to build, how to train, evaluate and log.</summary>
public sealed record JepaConfig
{
    /// <summary>Run name; the run directory is runs/&lt;name&gt; unless --run-dir says otherwise.</summary>
    public string Name { get; init; } = "quickstart";

    /// <summary>One seed for everything random: weights, clip sampling, augmentation.</summary>
    public int Seed { get; init; } = 0;

    public DataConfig Data { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public TrainConfig Train { get; init; } = new();
    public EvalConfig Eval { get; init; } = new();
    public LogConfig Log { get; init; } = new();
    public PlanConfig Plan { get; init; } = new();
}

/// <summary>Where the videos are and how clips are cut from them.</summary>
public sealed record DataConfig
{
    /// <summary>Training videos: a folder (recursive), a glob, or a CSV manifest.</summary>
    public string Train { get; init; } = "data/bouncing/train";

    /// <summary>Held-out videos for evaluation, same forms as <see cref="Train"/>.</summary>
    public string Val { get; init; } = "data/bouncing/val";

    /// <summary>Frames per clip (T).</summary>
    public int Frames { get; init; } = 8;

    /// <summary>Frames per second the clip is resampled to, whatever the source rate.</summary>
    public double Fps { get; init; } = 8;

    /// <summary>Square side in pixels the frames are scaled and centre-cropped to.</summary>
    public int Size { get; init; } = 64;

    /// <summary>Decode workers; 0 picks from the machine's cores.</summary>
    public int Workers { get; init; } = 0;

    /// <summary>Decoded videos are kept in memory up to this many MiB; beyond it clips are decoded per use.</summary>
    public int CacheMb { get; init; } = 1024;

    /// <summary>Random horizontal flips (never vertical: an upside-down clip makes antigravity plausible).</summary>
    public bool Hflip { get; init; } = true;

    /// <summary>Random resized crop: smallest crop area as a share of the frame (V-JEPA: 0.3); 1 turns it off.</summary>
    public double CropScaleMin { get; init; } = 0.5;

    /// <summary>A video shorter than one clip: <c>skip</c> it (listed as bad), or <c>pad</c> it by repeating its last frame.</summary>
    public string ShortVideos { get; init; } = "skip";

    /// <summary>Seconds one ffmpeg decode (of a clip; a span of clips_per_span clips gets that many times as long) may run before it is presumed hung, killed, and its video set aside.</summary>
    public double DecodeTimeoutS { get; init; } = 60;

    /// <summary>
    /// Streaming: clips cut from each decoded span of a video (one ffmpeg run per span of
    /// clips_per_span × frames frames, mixed across videos by a shuffle buffer of one span per batch
    /// slot); 1 decodes one ffmpeg run per clip.
    /// </summary>
    public int ClipsPerSpan { get; init; } = 4;

    /// <summary>
    /// Decode threads of each span worker: that many single-threaded ffmpeg processes share its spans. 0: max(1, cores ÷ workers)
    /// when the model trains on a GPU (and in <c>jepa bench data</c>), 1 when it trains on the CPU, whose
    /// cores libtorch needs; N: N. The decoded pixels are the same whatever the number.
    /// </summary>
    public int DecodeThreads { get; init; } = 0;

    /// <summary>Index file (from <c>jepa index</c>) kept for <see cref="Train"/> when it is streamed; empty: &lt;run&gt;/index.csv.</summary>
    public string Index { get; init; } = "";
}

/// <summary>The hierarchical JEPA. Null sizes come from <see cref="Preset"/>.</summary>
public sealed record ModelConfig
{
    /// <summary>tiny | small | base | large.</summary>
    public string Preset { get; init; } = "tiny";

    /// <summary>Token width of the stem and level-1 encoder.</summary>
    public int? Dim { get; init; }

    /// <summary>Level-1 encoder blocks.</summary>
    public int? Depth { get; init; }

    /// <summary>Attention heads in every transformer.</summary>
    public int? Heads { get; init; }

    /// <summary>Width of the predictors (narrower than the encoder).</summary>
    public int? PredictorDim { get; init; }

    /// <summary>Blocks in each predictor.</summary>
    public int? PredictorDepth { get; init; }

    /// <summary>Blocks in the level-2 encoder.</summary>
    public int? Level2Depth { get; init; }

    /// <summary>Total stride of the conv stem (a power of two); tokens per frame = (size/stride)^2.</summary>
    public int? StemStride { get; init; }

    /// <summary>Low-pass (3×3 binomial) before every stride-2 convolution of the stem, against aliasing.</summary>
    public bool StemBlur { get; init; }

    /// <summary>MLP hidden width as a multiple of the block width.</summary>
    public double MlpRatio { get; init; } = 4;

    /// <summary>Level 1 predicts frames t+1 .. t+horizon from frames ≤ t.</summary>
    public int Horizon { get; init; } = 2;

    /// <summary>Frames pooled into one level-2 chunk; level 2 predicts the next chunk(s).</summary>
    public int Chunk { get; init; } = 2;

    /// <summary>Spatial average-pool factor from level-1 tokens to level-2 tokens.</summary>
    public int Level2Pool { get; init; } = 2;

    /// <summary>Level 2 predicts chunks j+1 .. j+level2_horizon from chunks ≤ j.</summary>
    public int Level2Horizon { get; init; } = 1;

    /// <summary>
    /// Numbers per action the level-1 predictor is conditioned on (2 for the rooms world); 0: videos
    /// nobody acts in. Actions come from <c>&lt;video&gt;.actions.csv</c> beside each training video.
    /// </summary>
    public int ActionDim { get; init; } = 0;
}

/// <summary>Optimisation, schedules and checkpoints.</summary>
public sealed record TrainConfig
{
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate after warmup; cosine decay to <see cref="MinLr"/>.</summary>
    public double Lr { get; init; } = 1e-3;
    public double MinLr { get; init; } = 1e-5;
    public int WarmupSteps { get; init; } = 40;

    /// <summary>AdamW weight decay, cosine from start to end (V-JEPA: 0.04 → 0.4); none on norms and biases.</summary>
    public double WeightDecay { get; init; } = 0.04;
    public double WeightDecayEnd { get; init; } = 0.04;

    /// <summary>EMA momentum of the target encoder, linear from start to end (I-JEPA: 0.996 → 1.0).</summary>
    public double EmaStart { get; init; } = 0.99;
    public double EmaEnd { get; init; } = 1.0;

    /// <summary>Gradient-norm clip; 0 turns it off.</summary>
    public double GradClip { get; init; } = 1.0;

    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Numbered checkpoints kept besides latest.ckpt; older ones are deleted.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Steps in a row with a non-finite loss or gradient (each skipped) before the run stops.</summary>
    public int MaxBadSteps { get; init; } = 10;

    /// <summary>cpu | cuda | cuda:N | auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Torch intra-op threads; 0 = all cores.</summary>
    public int Threads { get; init; } = 0;

    /// <summary>
    /// auto | fp32 | tf32 | bf16. auto: bf16 on CUDA, fp32 on the CPU (where bf16 matmuls are slower).
    /// bf16 runs linear, conv and attention in bf16 with fp32 parameters, norms and loss; tf32 lets CUDA
    /// matmuls use TF32. bf16-emulated rounds what those ops read and return to bf16 but multiplies in fp32:
    /// bf16's numbers at fp32 speed on a CPU without bf16 units. Checkpoints are fp32 whatever the precision.
    /// </summary>
    public string Precision { get; init; } = "auto";

    /// <summary>
    /// What the model learns from (issue 15): ema (default: EMA target encoder, stop-gradient, optional
    /// VICReg terms) | vicreg (no EMA; targets from the online encoder; invariance + variance + covariance)
    /// | barlow (no EMA; Barlow Twins cross-correlation of predictions and targets pushed to identity)
    /// | infonce (contrastive: each prediction picks its own target among the batch's) | pixel (a linear
    /// decoder predicts the future frames' normalised pixel patches, MSE) | none (no EMA, no regulariser:
    /// the collapse the others prevent).
    /// </summary>
    public string Objective { get; init; } = "ema";

    public LossConfig Loss { get; init; } = new();
}

/// <summary>Weights of the loss terms.</summary>
public sealed record LossConfig
{
    public double Level1 { get; init; } = 1.0;
    public double Level2 { get; init; } = 1.0;

    /// <summary>
    /// Action-conditioned models (model.action_dim &gt; 0), objective ema: weight of a multi-step rollout
    /// loss. From the first frame's target embedding the level-1 predictor is fed its own predictions with
    /// the clip's actions, as a planner uses it, and each imagined frame is compared (L1) with its target; 0 = off.
    /// </summary>
    public double Rollout { get; init; } = 0.0;

    /// <summary>VICReg variance hinge (std of each dim ≥ 1) on the online embeddings; 0 = off.</summary>
    public double Variance { get; init; } = 0.0;

    /// <summary>VICReg covariance penalty on the online embeddings; 0 = off.</summary>
    public double Covariance { get; init; } = 0.0;

    /// <summary>train.objective vicreg: weight of the invariance (MSE of prediction and target); VICReg's 25.</summary>
    public double VicregInvariance { get; init; } = 25.0;

    /// <summary>train.objective vicreg: weight of the variance hinge (std of each dim ≥ 1); VICReg's 25.</summary>
    public double VicregVariance { get; init; } = 25.0;

    /// <summary>train.objective vicreg: weight of the covariance penalty; VICReg's 1.</summary>
    public double VicregCovariance { get; init; } = 1.0;

    /// <summary>train.objective barlow: weight λ of the off-diagonal cross-correlation terms; Barlow Twins' 0.0051.</summary>
    public double BarlowLambda { get; init; } = 0.0051;

    /// <summary>train.objective infonce: softmax temperature of the cosine similarities; SimCLR's 0.1.</summary>
    public double Temperature { get; init; } = 0.1;
}

/// <summary>Evaluation on held-out videos.</summary>
public sealed record EvalConfig
{
    /// <summary>Held-out clips used by eval --task predict.</summary>
    public int Clips { get; init; } = 64;
    public int BatchSize { get; init; } = 16;

    /// <summary>Steps between collapse-monitor measurements on a fixed held-out batch during training; 0 = off.</summary>
    public int Every { get; init; } = 250;

    /// <summary>Warn when a level's effective rank falls below this share of its dim (the design's healthy runs kept 26–61%).</summary>
    public double MinRankShare { get; init; } = 0.1;

    /// <summary>
    /// The voe level and statistic fixed before any test set is seen, as LEVEL:STATISTIC (e.g. <c>2:token_mean_time_mean</c>):
    /// <c>jepa eval --task voe</c> reports it as <c>voe.selected</c> unless <c>--select</c> or <c>--select-on</c> is given. Null: none.
    /// </summary>
    public string? VoeSelect { get; init; }
}

/// <summary>
/// Model-predictive control in embedding space (<c>jepa eval --task plan</c>): the cross-entropy method
/// searches action sequences whose imagined last embedding lies nearest the goal frame's, the first
/// <see cref="ReplanEvery"/> actions are taken, and the search starts again from the new frame.
/// </summary>
public sealed record PlanConfig
{
    /// <summary>Action sequences imagined per CEM iteration.</summary>
    [JsonPropertyName("population")]
    public int Population { get; init; } = 64;

    /// <summary>Lowest-cost sequences the next iteration's Gaussian is fitted to.</summary>
    [JsonPropertyName("elites")]
    public int Elites { get; init; } = 8;

    /// <summary>CEM iterations per plan.</summary>
    [JsonPropertyName("iterations")]
    public int Iterations { get; init; } = 4;

    /// <summary>Actions per imagined sequence (each one predicted frame).</summary>
    [JsonPropertyName("horizon")]
    public int Horizon { get; init; } = 6;

    /// <summary>Actions taken from a plan before planning again (receding horizon).</summary>
    [JsonPropertyName("replan_every")]
    public int ReplanEvery { get; init; } = 2;

    /// <summary>Actions an episode may take before it ends.</summary>
    [JsonPropertyName("max_steps")]
    public int MaxSteps { get; init; } = 30;

    /// <summary>An episode succeeds when the agent's centre ends within this distance of the goal's (frame sides).</summary>
    [JsonPropertyName("success_radius")]
    public double SuccessRadius { get; init; } = 0.1;

    /// <summary>Starting standard deviation of the CEM's Gaussian over actions in [-1, 1].</summary>
    [JsonPropertyName("init_std")]
    public double InitStd { get; init; } = 0.8;

    /// <summary>
    /// Frames each searched action is held for: the CEM searches <see cref="Horizon"/> / this many actions, so a
    /// long look-ahead costs fewer dimensions (the model still predicts every frame). Divides horizon and replan_every.
    /// </summary>
    [JsonPropertyName("action_repeat")]
    public int ActionRepeat { get; init; } = 1;

    /// <summary>
    /// How an imagined sequence is scored against the goal: <c>last</c>, the distance of its last embedding;
    /// <c>min</c>, the smallest distance along it (a sequence that passes the goal and drifts on still counts as
    /// having found it; the receding horizon then stops there).
    /// </summary>
    [JsonPropertyName("cost")]
    public string Cost { get; init; } = "last";
}

/// <summary>What is logged, how often.</summary>
public sealed record LogConfig
{
    /// <summary>Steps between lines of metrics.jsonl and the console.</summary>
    public int Every { get; init; } = 50;
}
