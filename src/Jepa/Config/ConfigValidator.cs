using System.Globalization;

namespace Jepa.Config;

/// <summary>
/// Rejects configs that parse but cannot run: sizes that do not divide, schedules that end before they
/// start, a device that does not exist. Each problem is one sentence naming the key and a fix.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Throws a <see cref="UsageException"/> for the first impossible value; <paramref name="source"/> names where the config came from.</summary>
    public static void Validate(JepaConfig c, string source)
    {
        var check = new Checker(source);
        ValidateTop(c, check);
        ValidateData(c.Data, check);
        ValidateModel(c, check);
        ValidateTrain(c.Train, check);
        check.AtLeast(c.Eval.Clips, 1, "eval.clips", "it is the number of held-out clips scored by eval");
        check.AtLeast(c.Eval.BatchSize, 1, "eval.batch_size", "it is the number of clips per evaluation batch");
        check.AtLeast(c.Eval.Every, 0, "eval.every", "it is the number of steps between collapse-monitor measurements (0 turns them off)");
        check.That(c.Eval.VoeSelect is null || System.Text.RegularExpressions.Regex.IsMatch(c.Eval.VoeSelect, "^[12]:[a-z_]+$"),
            $"'eval.voe_select' is {ConfigScalars.Show(c.Eval.VoeSelect ?? "")}; write LEVEL:STATISTIC with level 1 or 2, e.g. 2:token_mean_time_mean");
        check.That(c.Eval.MinRankShare is >= 0 and <= 1, $"'eval.min_rank_share' is {c.Eval.MinRankShare}; it must be between 0 and 1 (a share of the embedding dim)");
        check.AtLeast(c.Log.Every, 1, "log.every", "it is the number of steps between log lines");
        var p = c.Plan;
        check.AtLeast(p.Population, 2, "plan.population", "it is the number of action sequences imagined per CEM iteration");
        check.AtLeast(p.Elites, 1, "plan.elites", "it is the number of best sequences the CEM refits to");
        check.That(p.Elites <= p.Population, $"'plan.elites' ({p.Elites}) must not exceed 'plan.population' ({p.Population})");
        check.AtLeast(p.Iterations, 1, "plan.iterations", "it is the number of CEM iterations per plan");
        check.AtLeast(p.Horizon, 1, "plan.horizon", "it is the number of actions in an imagined sequence");
        check.AtLeast(p.ReplanEvery, 1, "plan.replan_every", "it is the number of actions taken before planning again");
        check.That(p.ReplanEvery <= p.Horizon, $"'plan.replan_every' ({p.ReplanEvery}) must not exceed 'plan.horizon' ({p.Horizon}): a plan has only that many actions");
        check.AtLeast(p.MaxSteps, 1, "plan.max_steps", "it is the number of actions an episode may take");
        check.Positive(p.SuccessRadius, "plan.success_radius", "it is the distance to the goal that counts as reached, such as 0.1");
        check.Positive(p.InitStd, "plan.init_std", "it is the starting spread of the CEM over actions in [-1, 1], such as 0.8");
        check.AtLeast(p.ActionRepeat, 1, "plan.action_repeat", "it is the number of frames each searched action is held for");
        check.That(p.ActionRepeat < 1 || p.Horizon % p.ActionRepeat == 0 && p.ReplanEvery % p.ActionRepeat == 0,
            $"'plan.action_repeat' ({p.ActionRepeat}) must divide 'plan.horizon' ({p.Horizon}) and 'plan.replan_every' ({p.ReplanEvery}): a plan is whole held actions");
        check.That(p.Cost is "last" or "min", $"'plan.cost' is {ConfigScalars.Show(p.Cost)}; it must be last (the imagined sequence's last embedding) or min (its nearest one)");
    }

    static void ValidateTop(JepaConfig c, Checker check)
    {
        check.That(!string.IsNullOrWhiteSpace(c.Name), "'name' is empty; give the run a name such as quickstart (it names runs/<name>)");
        check.That(c.Name is not ("." or "..") && c.Name.IndexOfAny(['/', '\\']) < 0 && c.Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
                   && !c.Name.Any(char.IsControl), // Linux allows a line break in a folder name; no one means one
            $"'name' is {ConfigScalars.Show(c.Name)}, which is not a folder name; use letters, digits, '-' or '_' (it names runs/<name>)");
    }

    static void ValidateData(DataConfig d, Checker check)
    {
        check.That(!string.IsNullOrWhiteSpace(d.Train), "'data.train' is empty; point it at a folder, glob or manifest.csv of training videos");
        check.That(!string.IsNullOrWhiteSpace(d.Val), "'data.val' is empty; point it at a folder, glob or manifest.csv of held-out videos");
        check.AtLeast(d.Frames, 1, "data.frames", "it is the number of frames per clip");
        check.Positive(d.Fps, "data.fps", "it is the rate clips are resampled to, in frames per second");
        check.AtLeast(d.Size, 1, "data.size", "it is the side of the square frames in pixels");
        check.AtLeast(d.Workers, 0, "data.workers", "0 picks the number of decode workers from the cores");
        check.AtLeast(d.CacheMb, 0, "data.cache_mb", "0 turns the decoded-video cache off");
        check.That(d.CropScaleMin > 0 && d.CropScaleMin <= 1,
            $"'data.crop_scale_min' must be in (0, 1], got {F(d.CropScaleMin)}; it is the smallest crop area as a share of the frame, 1 turns cropping off");
        check.That(d.ShortVideos is "pad" or "skip",
            $"'data.short_videos' is {ConfigScalars.Show(d.ShortVideos)}; use skip (set short videos aside) or pad (repeat their last frame)");
        check.That(d.Index.Length == 0 || d.Index.EndsWith(".csv", StringComparison.OrdinalIgnoreCase),
            $"'data.index' is {ConfigScalars.Show(d.Index)}, which is not a .csv file; name a CSV path such as data/index.csv, or leave it empty for <run>/index.csv");
        check.AtLeast(d.ClipsPerSpan, 1, "data.clips_per_span", "it is the number of clips cut from one decoded span of a video (1: one decode per clip)");
        check.AtLeast(d.DecodeThreads, 0, "data.decode_threads", "it is the number of decode threads of each span worker, one ffmpeg process each (0: cores ÷ workers on a GPU run, 1 on a CPU run)");
        check.Positive(d.DecodeTimeoutS, "data.decode_timeout_s", "it is how long one ffmpeg decode may run before it is killed, in seconds");
    }

    static void ValidateModel(JepaConfig c, Checker check)
    {
        var m = c.Model;
        check.That(Presets.Names.Contains(m.Preset), $"'model.preset' is {ConfigScalars.Show(m.Preset)}, which is not a preset; use one of {string.Join(", ", Presets.Names)}");
        var s = Presets.Resolve(m);
        string Show(string key, int? set, int value) => set is null ? $"'{key}' ({value}, from preset {m.Preset})" : $"'{key}' ({value})";

        check.AtLeast(s.Dim, 1, "model.dim", "it is the token width");
        check.AtLeast(s.Depth, 1, "model.depth", "it is the number of level-1 encoder blocks");
        check.AtLeast(s.Heads, 1, "model.heads", "it is the number of attention heads");
        check.AtLeast(s.PredictorDim, 1, "model.predictor_dim", "it is the predictor width");
        check.AtLeast(s.PredictorDepth, 1, "model.predictor_depth", "it is the number of predictor blocks");
        check.AtLeast(s.Level2Depth, 1, "model.level2_depth", "it is the number of level-2 encoder blocks");
        check.AtLeast(s.StemStride, 2, "model.stem_stride", "the stem halves the frame at least once");
        check.Positive(s.MlpRatio, "model.mlp_ratio", "it is the MLP width as a multiple of the block width, usually 4");
        check.AtLeast(s.Horizon, 1, "model.horizon", "level 1 predicts frames t+1 .. t+horizon");
        check.AtLeast(s.Chunk, 1, "model.chunk", "it is the number of frames pooled into one level-2 chunk");
        check.AtLeast(s.Level2Pool, 1, "model.level2_pool", "it is the spatial pooling factor into level 2");
        check.AtLeast(s.Level2Horizon, 1, "model.level2_horizon", "level 2 predicts chunks j+1 .. j+level2_horizon");
        check.AtLeast(s.ActionDim, 0, "model.action_dim", "it is the number of values per action, 0 for videos without actions");
        // A mirrored or cropped clip no longer shows what its recorded actions did.
        check.That(c.Train.Loss.Rollout == 0 || (s.ActionDim > 0 && ObjectiveNames.Normalise(c.Train.Objective) == "ema"),
            $"'train.loss.rollout' ({c.Train.Loss.Rollout}) trains the predictor on its own imagined frames under recorded actions; it needs model.action_dim above 0 and train.objective ema, or set it to 0");
        check.That(s.ActionDim == 0 || (!c.Data.Hflip && c.Data.CropScaleMin >= 1),
            $"'model.action_dim' ({s.ActionDim}) trains on recorded actions, which a mirrored or cropped clip no longer matches; set data.hflip: false and data.crop_scale_min: 1");

        // The stem is a stack of stride-2 convolutions, so its total stride is a power of two.
        check.That(int.IsPow2(s.StemStride),
            $"{Show("model.stem_stride", m.StemStride, s.StemStride)} must be a power of two (the stem is a stack of stride-2 convolutions); use 8 or 16");
        check.That(s.Dim % s.Heads == 0, () =>
            $"{Show("model.dim", m.Dim, s.Dim)} must be divisible by {Show("model.heads", m.Heads, s.Heads)}; pick a multiple of {s.Heads} such as {DimsThatFit(s.Dim, s.Heads, s.StemStride)}");
        check.That(s.PredictorDim % s.Heads == 0,
            $"{Show("model.predictor_dim", m.PredictorDim, s.PredictorDim)} must be divisible by {Show("model.heads", m.Heads, s.Heads)}; pick a multiple of {s.Heads} such as {RoundTo(s.PredictorDim, s.Heads)}");

        // Each stem stage's GroupNorm splits its channels into groups; a width that does not divide
        // would fail inside libtorch with C++ stack frames (model.dim=100: a 25-channel stage, 6 groups).
        var widths = ModelShapes.StemWidths(s.Dim, s.StemStride);
        var odd = widths.FirstOrDefault(w => w % ModelShapes.StemGroups(w) != 0);
        check.That(odd == 0, () =>
            $"{Show("model.dim", m.Dim, s.Dim)} with {Show("model.stem_stride", m.StemStride, s.StemStride)} makes stem stages of {string.Join(", ", widths)} channels, " +
            $"and its GroupNorm cannot split {odd} channels into {ModelShapes.StemGroups(odd)} groups; use a dim such as {DimsThatFit(s.Dim, s.Heads, s.StemStride)}");

        foreach (var (key, set, width) in new[] { ("model.dim", m.Dim, s.Dim), ("model.predictor_dim", m.PredictorDim, s.PredictorDim) })
        {
            var hidden = ModelShapes.MlpHidden(width, s.MlpRatio);
            check.That(hidden >= 1,
                $"'model.mlp_ratio' ({F(s.MlpRatio)}) times {Show(key, set, width)} rounds to an MLP hidden width of {F(hidden)}, and it must be at least 1; use a larger mlp_ratio such as 4");
            check.That(hidden <= int.MaxValue,
                $"'model.mlp_ratio' ({F(s.MlpRatio)}) times {Show(key, set, width)} makes an MLP hidden width of {F(hidden)}, more than a layer can have ({int.MaxValue}); use a mlp_ratio such as 4");
        }

        var d = c.Data;
        check.That(d.Size % s.StemStride == 0,
            $"'data.size' ({d.Size}) must be divisible by {Show("model.stem_stride", m.StemStride, s.StemStride)}; use a multiple such as {RoundTo(d.Size, s.StemStride)}");
        var side = d.Size / s.StemStride;
        check.That(side % s.Level2Pool == 0,
            $"the {side}×{side} tokens per frame ('data.size' {d.Size} / 'model.stem_stride' {s.StemStride}) must be divisible by 'model.level2_pool' ({s.Level2Pool}); change one of the three, e.g. 'model.level2_pool' to {LargestDivisorAtMost(side, s.Level2Pool)}");
        check.That(d.Frames > s.Horizon,
            $"'data.frames' ({d.Frames}) must be more than 'model.horizon' ({s.Horizon}) so there is a frame to predict from; use at least {s.Horizon + 1} frames or a shorter horizon");
        check.That(d.Frames % s.Chunk == 0,
            $"'model.chunk' ({s.Chunk}) must divide 'data.frames' ({d.Frames}) into whole level-2 chunks; use a chunk that divides {d.Frames}, or {RoundTo(d.Frames, s.Chunk)} frames");
        var chunks = d.Frames / s.Chunk;
        check.That(chunks > s.Level2Horizon,
            $"'data.frames' ({d.Frames}) makes {chunks} chunk(s) of 'model.chunk' ({s.Chunk}) frames, but level 2 needs more than 'model.level2_horizon' ({s.Level2Horizon}); use at least {(s.Level2Horizon + 1) * s.Chunk} frames or a smaller chunk");
    }

    static void ValidateTrain(TrainConfig t, Checker check)
    {
        check.AtLeast(t.KeepCheckpoints, 1, "train.keep_checkpoints", "it is how many numbered checkpoints stay on disk besides latest.ckpt");
        check.AtLeast(t.MaxBadSteps, 1, "train.max_bad_steps", "it is how many non-finite steps in a row are skipped before the run stops");
        check.AtLeast(t.Steps, 1, "train.steps", "it is the number of optimiser steps");
        check.AtLeast(t.BatchSize, 1, "train.batch_size", "it is the number of clips per step");
        check.Positive(t.Lr, "train.lr", "it is the peak learning rate, such as 0.001");
        check.AtLeast(t.MinLr, 0, "train.min_lr", "it is the learning rate at the end of the cosine decay");
        check.That(t.MinLr <= t.Lr, $"'train.min_lr' ({F(t.MinLr)}) must not exceed 'train.lr' ({F(t.Lr)}); the cosine decays from lr down to min_lr");
        check.AtLeast(t.WarmupSteps, 0, "train.warmup_steps", "0 turns warmup off");
        check.That(t.WarmupSteps < t.Steps, $"'train.warmup_steps' ({t.WarmupSteps}) must be less than 'train.steps' ({t.Steps}); warmup is usually a few percent of the run");
        check.AtLeast(t.WeightDecay, 0, "train.weight_decay", "0 turns weight decay off");
        check.AtLeast(t.WeightDecayEnd, 0, "train.weight_decay_end", "0 turns weight decay off");
        check.That(t.EmaStart is >= 0 and <= 1, $"'train.ema_start' ({F(t.EmaStart)}) must be between 0 and 1; EMA momentum is usually 0.99 to 0.999");
        check.That(t.EmaEnd is >= 0 and <= 1, $"'train.ema_end' ({F(t.EmaEnd)}) must be between 0 and 1; it is usually 1.0");
        check.That(t.EmaStart <= t.EmaEnd, $"'train.ema_start' ({F(t.EmaStart)}) must not exceed 'train.ema_end' ({F(t.EmaEnd)}); the momentum rises over training");
        check.AtLeast(t.GradClip, 0, "train.grad_clip", "0 turns clipping off");
        check.AtLeast(t.CheckpointEvery, 1, "train.checkpoint_every", "it is the number of steps between checkpoints");
        check.That(DeviceNames.Normalise(t.Device) is not null, $"'train.device' is {ConfigScalars.Show(t.Device)}; use auto, cpu, cuda or cuda:N (N the GPU index), in any case");
        check.AtLeast(t.Threads, 0, "train.threads", "0 uses all cores");
        check.That(t.Precision.Trim().ToLowerInvariant() is "auto" or "fp32" or "tf32" or "bf16" or "bf16-emulated",
            $"'train.precision' is {ConfigScalars.Show(t.Precision)}; use auto (bf16 on CUDA, fp32 on the CPU), fp32, tf32, bf16 or bf16-emulated, in any case");
        check.AtLeast(t.Loss.Level1, 0, "train.loss.level1", "0 turns the term off");
        check.AtLeast(t.Loss.Level2, 0, "train.loss.level2", "0 turns the term off");
        check.AtLeast(t.Loss.Rollout, 0, "train.loss.rollout", "0 turns the term off");
        check.AtLeast(t.Loss.Variance, 0, "train.loss.variance", "0 turns the term off");
        check.AtLeast(t.Loss.Covariance, 0, "train.loss.covariance", "0 turns the term off");
        check.That(ObjectiveNames.Normalise(t.Objective) is not null,
            $"'train.objective' is {ConfigScalars.Show(t.Objective)}; use one of {string.Join(", ", ObjectiveNames.All)} (ema is the default: an EMA target with stop-gradient)");
        check.AtLeast(t.Loss.VicregInvariance, 0, "train.loss.vicreg_invariance", "it weighs the invariance term of train.objective vicreg (VICReg: 25)");
        check.AtLeast(t.Loss.VicregVariance, 0, "train.loss.vicreg_variance", "it weighs the variance term of train.objective vicreg (VICReg: 25)");
        check.AtLeast(t.Loss.VicregCovariance, 0, "train.loss.vicreg_covariance", "it weighs the covariance term of train.objective vicreg (VICReg: 1)");
        check.AtLeast(t.Loss.BarlowLambda, 0, "train.loss.barlow_lambda", "it weighs the off-diagonal terms of train.objective barlow (Barlow Twins: 0.0051)");
        check.Positive(t.Loss.Temperature, "train.loss.temperature", "it is the softmax temperature of train.objective infonce, such as 0.1");
        check.That(t.Loss.Level1 > 0 || t.Loss.Level2 > 0, "'train.loss.level1' and 'train.loss.level2' are both 0, so nothing is predicted; set at least one above 0");
    }

    /// <summary>The multiples of <paramref name="multiple"/> either side of <paramref name="value"/>: "252 or 258".</summary>
    static string RoundTo(int value, int multiple)
    {
        var below = value / multiple * multiple;
        return below <= 0 ? $"{multiple}" : $"{below} or {below + multiple}";
    }

    /// <summary>Whether every stage of the stem (<see cref="ModelShapes.StemWidths"/>) splits into its GroupNorm groups.</summary>
    static bool StemFits(int dim, int stride) => ModelShapes.StemWidths(dim, stride).All(w => w % ModelShapes.StemGroups(w) == 0);

    /// <summary>
    /// The dims nearest <paramref name="dim"/> either side that split into <paramref name="heads"/> and
    /// through every stem stage ("96 or 112"), so that following one message does not lead to the next.
    /// </summary>
    static string DimsThatFit(int dim, int heads, int stride)
    {
        // Every multiple of heads·8·2^(stages-1) fits, so a few thousand multiples of heads either side
        // find one for any stride a frame can have.
        const int Tries = 4096;
        bool Fits(long v) => v is >= 1 and <= int.MaxValue && StemFits((int)v, stride);
        long start = (long)dim / heads * heads;
        long? below = null, above = null;
        for (long k = 0; k < Tries && below is null && start - k * heads >= 1; k++)
            if (start - k * heads < dim && Fits(start - k * heads)) below = start - k * heads;
        for (long k = 1; k <= Tries && above is null && start + k * heads <= int.MaxValue; k++)
            if (Fits(start + k * heads)) above = start + k * heads;
        return (below, above) switch
        {
            ({ } b, { } a) => $"{b} or {a}",
            ({ } b, null) => $"{b}",
            (null, { } a) => $"{a}",
            _ => $"a multiple of {(long)heads * 8 << (int.Log2(stride) - 1)}",
        };
    }

    static int LargestDivisorAtMost(int n, int limit) => Enumerable.Range(1, Math.Max(1, Math.Min(n, limit))).Last(k => n % k == 0);

    static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Throws the first failed check as "source: sentence.".</summary>
    sealed class Checker(string source)
    {
        public void That(bool ok, string message)
        {
            if (!ok) throw new UsageException($"{source}: {message}.");
        }

        /// <summary>For messages that search for a value to suggest: built only when the check fails.</summary>
        public void That(bool ok, Func<string> message)
        {
            if (!ok) throw new UsageException($"{source}: {message()}.");
        }

        public void AtLeast(int value, int min, string key, string hint) =>
            That(value >= min, $"'{key}' must be at least {min}, got {value}; {hint}");

        public void AtLeast(double value, double min, string key, string hint) =>
            That(value >= min, $"'{key}' must be at least {F(min)}, got {F(value)}; {hint}");

        public void Positive(double value, string key, string hint) =>
            That(value > 0, $"'{key}' must be more than 0, got {F(value)}; {hint}");
    }
}
