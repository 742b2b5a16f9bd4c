using System.CommandLine;
using Jepa.Config;
using Jepa.Training;

namespace Jepa.Cli.Commands;

internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Experiment YAML (a diff of the defaults); without it, the built-in quickstart." };
        var set = new Option<string[]>("--set") { Description = "Override a key: --set train.steps=100 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var runDir = new Option<string?>("--run-dir") { Description = "Run directory (default runs/<name>)." };
        var device = new Option<string?>("--device") { Description = "cpu | cuda | cuda:N | auto (same as --set train.device=…)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in the run directory." };

        var command = new Command("train", "Train a hierarchical JEPA.") { config, set, runDir, device, overwrite };
        command.SetAction((parse, ct) => CliOptions.Run(parse, async token =>
        {
            var sets = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(device) is { } d) sets.Add("train.device=" + d);
            var cfg = ConfigLoader.Load(parse.GetValue(config), sets);
            ConfigValidator.Validate(cfg, parse.GetValue(config) ?? "the built-in defaults");
            var dir = RunDirectory.Prepare(parse.GetValue(runDir), cfg, parse.GetValue(overwrite));
            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose), Path.Combine(dir, "train.log"));
            var result = await Trainer.RunAsync(cfg, dir, log, token);
            if (result.Interrupted) return 130;
            log.Information("Done: {Steps} steps, final loss {Loss:F4}; checkpoint {Checkpoint}", result.Steps, result.LastLoss, result.LatestCheckpoint);
            return 0;
        }, ct));
        return command;
    }
}
