using System.Text.Json;
using Jepa.Config;
using Jepa.Evaluation;
using Jepa.Models;
using Jepa.Planning;
using Jepa.Tests.Cli;
using Jepa.Tests.Models;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using Jepa.Worlds;
using static TorchSharp.torch;

namespace Jepa.Tests.Planning;

public class PlanningTests
{
    // The tests' tiny model with a one-step predictor conditioned on 2-D actions, heads made non-zero
    // (at initialisation they predict no change at all, whatever the actions).
    private static HJepa ActionModel(int horizon = 1)
    {
        manual_seed(5);
        var model = new HJepa(HJepaTests.Tiny() with { Horizon = horizon, ActionDim = 2 }, size: 32, frames: 4);
        using var _ = no_grad();
        foreach (var (name, p) in model.TrainableParameters().Where(p => p.Name.Contains("heads")))
            p.normal_(0, 0.05);
        return model;
    }

    [Fact]
    public void Changing_the_actions_changes_the_prediction_but_not_the_predictions_made_before_them()
    {
        using var model = ActionModel();
        manual_seed(2);
        var frames = randn([1, 4, 3, 32, 32]);
        var actions = rand([1, 4, 2]) * 2 - 1;
        var changed = actions.clone();
        changed[0, 2] = -actions[0, 2]; // the action after frame 2

        var a = model.Forward(frames, actions).Level1.Predictions[0];  // [1, 3, N, D]: frames 1..3
        var b = model.Forward(frames, changed).Level1.Predictions[0];

        Assert.True(a.narrow(1, 2, 1).sub(b.narrow(1, 2, 1)).abs().max().item<float>() > 1e-4, "the prediction of frame 3 ignores the action that leads to it");
        Assert.True(a.narrow(1, 0, 2).sub(b.narrow(1, 0, 2)).abs().max().item<float>() < 1e-6, "predictions of frames 1 and 2 saw a later action");
    }

    [Fact]
    public void A_model_without_actions_has_no_action_weights_and_one_with_them_refuses_to_run_without()
    {
        using var plain = new HJepa(HJepaTests.Tiny(), size: 32, frames: 4);
        using var acting = ActionModel();

        Assert.DoesNotContain(plain.state_dict().Keys, k => k.Contains("action", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(acting.state_dict().Keys, k => k.Contains("actionProj"));
        Assert.Throws<UsageException>(() => acting.Forward(randn([1, 4, 3, 32, 32])));
    }

    [Fact]
    public void Rollout_chains_one_step_predictions_and_its_first_step_is_the_models_prediction()
    {
        using var model = ActionModel();
        manual_seed(3);
        var frames = randn([1, 2, 3, 32, 32]);
        var actions = rand([1, 5, 2]) * 2 - 1;
        var start = model.EncodeTargets(frames).Level1.select(1, 0); // [1, N, D]

        var imagined = model.Rollout(start, actions);

        Assert.Equal(new long[] { 1, 5, 16, 32 }, imagined.shape);
        Assert.Equal(0, imagined.isfinite().logical_not().sum().item<long>());
        Assert.True(imagined[0, 0].sub(imagined[0, 4]).abs().max().item<float>() > 1e-5, "five actions imagined no change");
    }

    [Fact]
    public void The_rollout_loss_imagines_what_Rollout_imagines_and_trains_the_predictor()
    {
        using var model = ActionModel();
        using var scope = NewDisposeScope(); // temporaries stay reachable: none is finalised mid-call (HJepaTests)
        manual_seed(4);
        var frames = randn([2, 4, 3, 32, 32]);
        var actions = rand([2, 4, 2]) * 2 - 1;

        var output = model.Forward(frames, actions, rollout: true);
        var start = model.EncodeTargets(frames).Level1.select(1, 0);
        var planned = model.Rollout(start, actions.narrow(1, 0, 3));

        Assert.Null(model.Forward(frames, actions).Rollout);
        Assert.Equal(new long[] { 2, 3, 16, 32 }, output.Rollout!.shape);
        Assert.True(output.Rollout.detach().sub(planned).abs().max().item<float>() < 1e-4, "training imagines other frames than the planner");
        var withRollout = JepaLoss.Compute(output, new LossConfig { Rollout = 1 }).Total;
        var without = JepaLoss.Compute(output, new LossConfig()).Total;
        Assert.True(withRollout.item<float>() > without.item<float>());
        withRollout.backward();
        var head = model.TrainableParameters().First(p => p.Name.StartsWith("predictor1.") && p.Name.Contains("heads")).Param;
        Assert.True(head.grad is not null && head.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Cem_finds_the_minimum_of_a_known_quadratic()
    {
        var target = tensor(new float[] { 0.6f, -0.3f, -0.8f, 0.1f, 0.25f, 0.9f }).reshape(3, 2);
        var generator = new Generator(42, CPU);

        var (plan, best) = Cem.Optimize(p => (p - target.unsqueeze(0)).pow(2).sum([1, 2]), zeros(3, 2), 0.8,
            population: 64, elites: 8, iterations: 12, generator);

        Assert.True((plan - target).abs().max().item<float>() < 0.08, $"CEM ended {(plan - target).abs().max().item<float>()} from the target");
        Assert.True(best < 0.05, $"best cost {best}");
    }

    [Fact]
    public void Plan_episodes_start_and_end_in_different_rooms_and_the_straight_line_fails_when_the_door_is_off_it()
    {
        var episodes = PlanEpisodes.Make(seed: 4, count: 200);
        var plan = new PlanConfig();

        Assert.All(episodes, e => Assert.NotEqual(RoomsWorld.RoomOf(e.Start.X), RoomsWorld.RoomOf(e.Goal.X)));
        // Walls stop the disc (no sliding): whenever the door is off the line, the straight policy stays stuck at the wall.
        var blocked = episodes.Where(e => !PlanEvaluator.DoorOnLine(e)).ToList();
        Assert.NotEmpty(blocked);
        Assert.All(blocked, e => Assert.False(RoomsPlanner.RunStraight(e, plan).Success));
        Assert.All(episodes.Where(PlanEvaluator.DoorOnLine), e => Assert.True(RoomsPlanner.RunStraight(e, plan).Success));
    }

    [Fact]
    public void A_tiny_plan_eval_runs_every_policy_and_writes_its_report_csv_and_animations()
    {
        using var model = ActionModel();
        var dir = JepaProcess.TempDir("plan-eval");
        var plan = new PlanConfig { Population = 8, Elites = 2, Iterations = 1, Horizon = 2, ReplanEvery = 1, MaxSteps = 4 };

        var report = PlanEvaluator.Evaluate(model, plan, episodes: 3, seed: 1, CPU, dir, null, CancellationToken.None).Plan;

        Assert.Equal(3, report.Episodes);
        Assert.InRange(report.SuccessRate, 0, 1);
        Assert.InRange(report.MeanSteps, 1, 4);
        Assert.True(report.SecondsPerStep > 0);
        if (OperatingSystem.IsLinux()) Assert.True(report.CpuSecondsPerStep > 0);
        Assert.True(report.MeanFinalDistance > 0);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "plan_episodes.csv")).Length);
        Assert.Equal(3, report.Animations.Count);
        Assert.All(report.Animations, a => Assert.True(new FileInfo(Path.Combine(dir, a)).Length > 0));
        var html = File.ReadAllText(ReportHtml.Write(WriteReport(dir, report)));
        Assert.Contains(">Planning</h2>", html);
        Assert.Contains("each searched action held 1 frame(s); cost: the last imagined embedding", html);
        Assert.Equal(3, html.Split("class=\"plan-episode\"").Length - 1);
    }

    [Fact]
    public void Eval_plan_on_a_checkpoint_without_actions_is_one_sentence_and_exit_2()
    {
        var dir = JepaProcess.TempDir("plan-noactions");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));

        var r = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "plan", "--episodes", "1", "--out", Path.Combine(dir, "eval"));

        JepaProcess.AssertOneSentence(r, "model.action_dim");
    }

    [Fact]
    public void Jepa_plan_writes_an_episode_whose_actions_replay_to_its_path_and_refuses_to_overwrite_it()
    {
        var (dir, ckpt, outDir) = ActingCheckpoint("plan-cmd", maxSteps: 3);

        var r = JepaProcess.Run(dir, "plan", "--checkpoint", ckpt, "--start", "0.25,0.3", "--goal", "0.75,0.7", "--out", outDir, "--device", "cpu");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "plan.json"))).RootElement;
        var episode = summary.GetProperty("episodes")[0];
        int steps = episode.GetProperty("steps").GetInt32();
        Assert.InRange(steps, 1, 3);
        Assert.Equal(0.25, episode.GetProperty("start")[0].GetDouble());
        Assert.True(new FileInfo(Path.Combine(outDir, "episode_0.mp4")).Length > 0);
        var actions = Jepa.Video.ActionFile.Read(Path.Combine(outDir, "episode_0.actions.csv"));
        Assert.Equal(steps + 1, actions.Count);
        var world = new RoomsWorld(0.25, 0.3);
        for (int f = 0; f < steps; f++)
        {
            world.Step(actions.Actions[f][0], actions.Actions[f][1]);
            Assert.Equal(actions.States[f + 1][0], world.X, 5);
            Assert.Equal(actions.States[f + 1][1], world.Y, 5);
        }
        Assert.Equal(Math.Sqrt((world.X - 0.75) * (world.X - 0.75) + (world.Y - 0.7) * (world.Y - 0.7)), episode.GetProperty("final_distance").GetDouble(), 4);

        var again = JepaProcess.Run(dir, "plan", "--checkpoint", ckpt, "--start", "0.25,0.3", "--goal", "0.75,0.7", "--out", outDir);
        JepaProcess.AssertOneSentence(again, "--overwrite");
        var wall = JepaProcess.Run(dir, "plan", "--checkpoint", ckpt, "--start", "0.5,0.1", "--goal", "0.75,0.7", "--out", Path.Combine(dir, "other"));
        JepaProcess.AssertOneSentence(wall, "--start 0.5,0.1 puts the disc in a wall");
    }

    [Fact]
    public void Plan_settings_can_be_changed_per_run_and_a_held_action_is_taken_for_action_repeat_frames()
    {
        var (dir, ckpt, outDir) = ActingCheckpoint("plan-set", maxSteps: 4);

        var r = JepaProcess.Run(dir, "plan", "--checkpoint", ckpt, "--start", "0.25,0.3", "--goal", "0.8,0.8", "--out", outDir, "--device", "cpu",
            "--set", "plan.horizon=4", "--set", "plan.replan_every=2", "--set", "plan.action_repeat=2", "--set", "plan.cost=min");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var actions = Jepa.Video.ActionFile.Read(Path.Combine(outDir, "episode_0.actions.csv"));
        Assert.Equal(5, actions.Count); // the goal is out of reach in 4 steps: every step is taken
        Assert.Equal(actions.Actions[0], actions.Actions[1]);
        Assert.Equal(actions.Actions[2], actions.Actions[3]);
        Assert.NotEqual(actions.Actions[1], actions.Actions[2]); // a new plan from the new frame

        var model = JepaProcess.Run(dir, "plan", "--checkpoint", ckpt, "--out", Path.Combine(dir, "m"), "--set", "model.preset=small");
        JepaProcess.AssertOneSentence(model, "only plan.* keys");
        var uneven = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "plan", "--episodes", "1", "--out", Path.Combine(dir, "e"),
            "--set", "plan.action_repeat=3");
        JepaProcess.AssertOneSentence(uneven, "'plan.action_repeat' (3) must divide");
        Assert.False(Directory.Exists(Path.Combine(dir, "e"))); // refused before the report folder is made
        Assert.False(File.Exists(Path.Combine(dir, "m", "plan.json")));
    }

    // A tiny action-conditioned checkpoint with a search small enough for a test, in a fresh folder; outDir is where plans go.
    private static (string Dir, string Checkpoint, string OutDir) ActingCheckpoint(string name, int maxSteps)
    {
        var dir = JepaProcess.TempDir(name);
        var plan = new PlanConfig { Population = 8, Elites = 2, Iterations = 1, Horizon = 2, ReplanEvery = 1, MaxSteps = maxSteps };
        return (dir, TinyCheckpoint.Write(Path.Combine(dir, "acting.ckpt"), actionDim: 2, plan), Path.Combine(dir, "plan"));
    }

    private static string WriteReport(string dir, PlanSection section)
    {
        File.WriteAllText(Path.Combine(dir, "report.json"), JsonSerializer.Serialize(new PlanReport(section), ReportWriter.Options));
        return dir;
    }
}
