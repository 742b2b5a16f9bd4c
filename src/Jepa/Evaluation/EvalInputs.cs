using Jepa.Config;
using Jepa.Data;
using Serilog;

namespace Jepa.Evaluation;

/// <summary>What one <c>jepa eval</c> was asked to read; a null source means that task does not run.</summary>
/// <param name="Predict">Whether predict runs.</param>
/// <param name="PredictData">--data for predict; null: the checkpoint's data.val.</param>
/// <param name="Voe">The voe CSV.</param>
/// <param name="Probe">The labelled videos for the probes.</param>
/// <param name="Labels">--labels, or null for every label-like column.</param>
/// <param name="All">--task all, where voe and probe data come as --voe-data and --probe-data.</param>
public sealed record EvalSources(bool Predict, string? PredictData, string? Voe, string? Probe, IReadOnlyList<string>? Labels, bool All)
{
    public string VoeFlag => All ? "--voe-data" : "--data";
    public string ProbeFlag => All ? "--probe-data" : "--data";
}

/// <summary>
/// Everything one eval reads, opened and checked before any model runs: a voe CSV, probe labels or
/// held-out videos that turn out unusable stop the command in seconds, not after the tasks before
/// them have run and their results have been thrown away.
/// </summary>
/// <param name="Predict">The held-out videos, decoded; null when predict does not run.</param>
/// <param name="PredictSpec">Where they came from (--data or the checkpoint's data.val), for the log.</param>
/// <param name="Voe">The voe clips; null when voe does not run.</param>
/// <param name="Probe">The probe clips and labels; null when the probes do not run.</param>
public sealed record EvalInputs(Corpus? Predict, string? PredictSpec, IReadOnlyList<VoeClip>? Voe, ProbeSet? Probe)
{
    /// <summary>Cheap checks first (CSV and list files, label columns), then the decoding.</summary>
    public static async Task<EvalInputs> LoadAsync(EvalSources sources, JepaConfig config, ILogger log, CancellationToken ct,
        IProgress<WorkProgress>? progress = null)
    {
        var voe = sources.Voe is null ? null : VoeSet.Read(sources.Voe, sources.VoeFlag);
        string? predictSpec = null;
        if (sources.Predict)
        {
            predictSpec = sources.PredictData ?? config.Data.Val;
            ResolvePredict(predictSpec, sources.PredictData is null);
        }
        ProbeSet? probe = null;
        if (sources.Probe is not null)
        {
            Corpus.ResolveWhole(sources.Probe, sources.ProbeFlag);
            var d = config.Data;
            probe = await ProbeSet.LoadAsync(sources.Probe, sources.Labels, d.Frames, d.Fps, d.Size, config.Seed, ct, progress);
        }
        var predict = predictSpec is null ? null
            : await Corpus.LoadAsync(predictSpec, sources.PredictData is null ? "data.val" : "--data", config.Data, log, ct, progress);
        return new EvalInputs(predict, predictSpec, voe, probe);
    }

    // data.val is the path the run was trained with, relative to the folder it was trained in: from
    // anywhere else it finds nothing, and the message says how to get past that.
    private static void ResolvePredict(string spec, bool fromCheckpoint)
    {
        try
        {
            Corpus.Resolve(spec, fromCheckpoint ? "data.val" : "--data");
        }
        catch (UsageException e) when (fromCheckpoint && !File.Exists(spec) && !Directory.Exists(spec))
        {
            throw new UsageException(Path.IsPathRooted(spec)
                ? $"data.val '{spec}' from the checkpoint finds no videos; pass the held-out videos as --data."
                : $"data.val '{spec}' from the checkpoint finds no videos from {Directory.GetCurrentDirectory()}: it is relative to the folder the run was trained in, so run jepa eval there or pass the held-out videos as --data.", e);
        }
    }
}
