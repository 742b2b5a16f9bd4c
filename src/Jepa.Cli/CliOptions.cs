using System.CommandLine;
using Jepa.Config;
using Jepa.Models;
using Jepa.Training;

namespace Jepa.Cli;

/// <summary>Options shared by commands, and the one place exceptions become exit codes.</summary>
internal static class CliOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Debug logging, and stack traces on errors.",
        Recursive = true,
    };

    /// <summary>A repeatable <c>--set plan.KEY=VALUE</c>: the search's settings for this run only (the checkpoint's config keeps its own).</summary>
    public static Option<string[]> PlanSet() => new("--set")
    {
        Description = "Override a plan setting for this run, e.g. --set plan.horizon=10 --set plan.population=128 (repeatable; plan.* keys only: the model is the checkpoint's).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The checkpoint's plan settings with each <c>--set plan.…</c> applied and the whole config validated again.</summary>
    public static PlanConfig PlanSettings(JepaConfig config, IReadOnlyList<string>? sets)
    {
        if (sets is not { Count: > 0 })
            return config.Plan;
        if (sets.FirstOrDefault(s => !s.TrimStart().StartsWith("plan.", StringComparison.Ordinal)) is { } other)
            throw new UsageException($"--set '{other}': only plan.* keys can be changed here (the model and its data are the checkpoint's); e.g. --set plan.horizon=10.");
        return ConfigLoader.LoadText(ConfigLoader.ToYaml(config), "the checkpoint's config", sets).Plan;
    }

    /// <summary>
    /// The model of the <paramref name="checkpoint"/> file on the <paramref name="device"/> named by --device, with
    /// torch using every core: how eval, embed and plan start. The caller disposes the model.
    /// </summary>
    public static (string Path, TorchSharp.torch.Device Device, CheckpointHeader Header, HJepa Model) LoadModel(string checkpoint, string device)
    {
        var path = System.IO.Path.GetFullPath(checkpoint);
        var dev = Devices.Resolve(device, "--device");
        Devices.SetThreads(0);
        var (header, model) = Checkpoint.LoadModel(path, dev);
        return (path, dev, header, model);
    }

    /// <summary>Exit codes: 0 success, 1 runtime failure, 2 bad usage or config, 130 interrupted.</summary>
    public static async Task<int> Run(ParseResult parse, Func<CancellationToken, Task<int>> action, CancellationToken ct)
    {
        bool verbose = parse.GetValue(Verbose);
        try
        {
            return await action(ct);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            if (verbose) Console.Error.WriteLine(e);
            return 2;
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted.");
            if (verbose) Console.Error.WriteLine(e);
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("error: " + e.Message + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) Console.Error.WriteLine(e);
            return 1;
        }
    }
}
