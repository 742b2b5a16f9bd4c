using System.CommandLine;
using System.Globalization;
using Jepa.Config;
using Jepa.Planning;
using Jepa.Training;

namespace Jepa.Cli.Commands;

/// <summary>
/// <c>jepa plan</c>: a few episodes of the rooms world driven by an action-conditioned checkpoint (CEM in
/// embedding space); each episode's animation and actions, and a plan.json summary, go into --out.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "An action-conditioned .ckpt (model.action_dim 2), e.g. from configs/plan-cpu.yaml.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for episode_N.mp4, episode_N.actions.csv and plan.json (created when missing; files of an earlier plan there are refused unless --overwrite).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes with random start and goal in different rooms (not with --start/--goal).", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the episodes and of the search (the same episodes as eval --task plan with this seed).", DefaultValueFactory = _ => 0 };
        var start = new Option<string?>("--start") { Description = "The agent's start as x,y in frame sides (0..1, y down), with --goal: one episode." };
        var goal = new Option<string?>("--goal") { Description = "The goal as x,y in frame sides, with --start." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace plan.json and episode files of an earlier plan in --out." };
        var planSet = CliOptions.PlanSet();
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N | auto.", DefaultValueFactory = _ => "auto" };

        var command = new Command("plan", "Reach goals in the rooms world by model-predictive control with a checkpoint (CEM over actions in embedding space); writes animations, actions and plan.json.")
            { checkpoint, output, episodes, seed, start, goal, planSet, overwrite, device };
        command.SetAction((parse, ct) => CliOptions.Run(parse, token =>
        {
            string? s = parse.GetValue(start), g = parse.GetValue(goal);
            if ((s is null) != (g is null))
                throw new UsageException($"{(s is null ? "--goal" : "--start")} needs {(s is null ? "--start" : "--goal")} too: give both as x,y (e.g. --start 0.25,0.2 --goal 0.75,0.8), or neither for random episodes.");
            if (s is not null && parse.GetResult(episodes) is { Implicit: false })
                throw new UsageException("--episodes is for random episodes; with --start and --goal there is one.");
            int count = parse.GetValue(episodes);
            if (count < 1)
                throw new UsageException($"--episodes {count} must be at least 1.");
            int seedValue = parse.GetValue(seed);
            var list = s is not null
                ? [PlanRunner.Custom(Point(s, "--start"), Point(g!, "--goal"))]
                : PlanEpisodes.Make(seedValue, count);

            var outDir = OutputPaths.Folder(parse.GetValue(output)!, "--out");
            var existing = PlanRunner.Written(Math.Max(list.Count, 64)).Where(f => File.Exists(Path.Combine(outDir, f))).ToList();
            if (existing.Count > 0 && !parse.GetValue(overwrite))
                throw new UsageException($"--out {outDir} already holds {string.Join(", ", existing.Take(3))}{(existing.Count > 3 ? ", …" : "")} from an earlier plan; give another folder or pass --overwrite.");

            using var log = Logging.Create(parse.GetValue(CliOptions.Verbose));
            var (ckpt, dev, header, model) = CliOptions.LoadModel(parse.GetValue(checkpoint)!, parse.GetValue(device)!);
            using (model)
            {
                var settings = CliOptions.PlanSettings(header.Config, parse.GetValue(planSet)); // a bad --set fails before anything is removed
                foreach (var f in existing) File.Delete(Path.Combine(outDir, f));
                log.Information("Planning {Episodes} episode(s) in the rooms world with step {Step} (seed {Seed})", list.Count, header.Step, seedValue);
                var summary = PlanRunner.Run(model, settings, ckpt, list, seedValue, dev, outDir, line => log.Information("{Line}", line), token);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Reached the goal in {summary.Episodes.Count(e => e.Success)} of {summary.Episodes.Count} episode(s); {Path.Combine(outDir, PlanRunner.SummaryFile)}, episode_N.mp4 and episode_N.actions.csv in {outDir}"));
            }
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    // "x,y" in frame sides.
    private static (double X, double Y) Point(string text, string flag)
    {
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            && x is >= 0 and <= 1 && y is >= 0 and <= 1)
            return (x, y);
        throw new UsageException($"{flag} '{text}' is not x,y with both in 0..1 (frame sides, y down), e.g. {flag} 0.25,0.5.");
    }
}
