using Jepa.Config;
using Jepa.Video;
using Jepa.Worlds;

namespace Jepa.Tests.Worlds;

public class RoomsWorldTests
{
    [Fact]
    public void The_wall_stops_an_agent_that_walks_into_it_away_from_the_door()
    {
        var world = new RoomsWorld(0.25, 0.2); // left room, well above the door
        for (int i = 0; i < 20; i++) world.Step(1, 0);

        Assert.Equal(0, world.Room);
        Assert.InRange(world.X, 0.25, RoomsWorld.WallX - RoomsWorld.WallHalf - RoomsWorld.AgentRadius + 1e-9);
        Assert.Equal(0.2, world.Y, 9);
    }

    [Fact]
    public void The_door_lets_the_agent_through_to_the_other_room()
    {
        var world = new RoomsWorld(0.25, RoomsWorld.DoorY);
        for (int i = 0; i < 6; i++) world.Step(1, 0);

        Assert.Equal(1, world.Room);
        Assert.True(world.X > RoomsWorld.WallX + RoomsWorld.WallHalf + RoomsWorld.AgentRadius);
    }

    [Fact]
    public void Walls_stop_the_agent_where_it_touches_and_it_does_not_slide_along_them()
    {
        var world = new RoomsWorld(0.2, 0.2);
        for (int i = 0; i < 10; i++) world.Step(-1, -0.5);

        // Stopped within one sub-step (MaxStep / 4) of the left wall, never in it, and no further up once there.
        double near = RoomsWorld.Border + RoomsWorld.AgentRadius;
        Assert.InRange(world.X, near, near + RoomsWorld.MaxStep / 4);
        Assert.True(world.Y > near + 0.03, $"slid up the wall to y {world.Y:0.###}");
        Assert.True(RoomsWorld.IsFree(world.X, world.Y));

        // A slanted walk at the dividing wall just above the door ends at the wall, not in the door.
        var blocked = new RoomsWorld(0.3, RoomsWorld.DoorY - RoomsWorld.DoorHalf - 0.02);
        for (int i = 0; i < 20; i++) blocked.Step(1, 0.15);
        Assert.Equal(0, blocked.Room);
    }

    [Fact]
    public void The_subgoal_path_leads_from_one_room_into_the_other()
    {
        var world = new RoomsWorld(0.2, 0.85);
        (double X, double Y) goal = (0.8, 0.15);
        for (int i = 0; i < 40; i++)
        {
            var t = RoomsSet.Subgoal(world.X, world.Y, goal.X, goal.Y);
            double dx = t.X - world.X, dy = t.Y - world.Y, d = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
            double s = Math.Min(1, d / RoomsWorld.MaxStep);
            world.Step(dx / d * s, dy / d * s);
        }

        Assert.Equal(1, world.Room);
        Assert.True(Math.Abs(world.X - goal.X) + Math.Abs(world.Y - goal.Y) < 0.02);
    }

    [Fact]
    public void Exploration_crosses_the_door_and_never_enters_a_wall_and_its_actions_replay_to_its_positions()
    {
        int crossings = 0;
        for (int e = 0; e < 8; e++)
        {
            var episode = RoomsSet.Explore(seed: 3, e, frames: 32);
            Assert.All(episode.Positions, p => Assert.True(RoomsWorld.IsFree(p.X, p.Y)));
            var world = new RoomsWorld(episode.Positions[0].X, episode.Positions[0].Y);
            for (int f = 1; f < 32; f++)
            {
                world.Step(episode.Actions[f - 1].Ax, episode.Actions[f - 1].Ay);
                Assert.Equal(episode.Positions[f].X, world.X, 12);
                Assert.Equal(episode.Positions[f].Y, world.Y, 12);
                if (RoomsWorld.RoomOf(episode.Positions[f].X) != RoomsWorld.RoomOf(episode.Positions[f - 1].X)) crossings++;
            }
        }
        Assert.True(crossings >= 4, $"only {crossings} door crossings in 8 episodes");
    }

    [Fact]
    public void Rendering_shows_the_agent_where_it_is_and_each_room_in_its_own_colour()
    {
        var frames = RoomsRenderer.Render([(0.25, 0.25), (0.75, 0.75)], 32);
        int frameBytes = 32 * 32 * 3;
        static (byte, byte, byte) Pixel(byte[] f, int frame, int x, int y) { int o = frame * 32 * 32 * 3 + (y * 32 + x) * 3; return (f[o], f[o + 1], f[o + 2]); }

        Assert.Equal(2 * frameBytes, frames.Length);
        Assert.Equal((225, 35, 35), Pixel(frames, 0, 8, 8));
        Assert.Equal((225, 35, 35), Pixel(frames, 1, 24, 24));
        Assert.NotEqual(Pixel(frames, 1, 8, 8), Pixel(frames, 0, 24, 24)); // the two floors differ
    }

    [Fact]
    public void An_action_file_round_trips_and_a_broken_one_names_its_line()
    {
        var dir = Directory.CreateTempSubdirectory("jepa-actions-").FullName;
        var path = ActionFile.PathFor(Path.Combine(dir, "clip.mp4"));
        var file = new ActionFile(["ax", "ay"], [[0.5f, -1f], [0.1234f, 0f]], ["x", "y"], [[0.2, 0.3], [0.26, 0.18]]);
        ActionFile.Write(path, file);
        var back = ActionFile.Read(path);

        Assert.Equal(Path.Combine(dir, "clip.actions.csv"), path);
        Assert.Equal(["ax", "ay"], back.ActionColumns);
        Assert.Equal(["x", "y"], back.StateColumns);
        Assert.Equal(file.Actions, back.Actions);
        Assert.Equal(file.States, back.States);

        File.WriteAllText(path, "frame,ax,ay\n0,0.1,0.2\n1,oops,0\n");
        var e = Assert.Throws<UsageException>(() => ActionFile.Read(path));
        Assert.Contains("line 3", e.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Synth_rooms_writes_videos_with_action_files_that_match_their_frames()
    {
        var dir = Directory.CreateTempSubdirectory("jepa-rooms-").FullName;
        var result = RoomsSet.Generate(dir, new SynthOptions { TrainCount = 2, ValCount = 1, Seconds = 1, Fps = 8, Size = 32, Seed = 1 });

        var videos = Directory.GetFiles(dir, "*.mp4", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(3, videos.Length);
        foreach (var v in videos)
        {
            var actions = ActionFile.Read(ActionFile.PathFor(v));
            var decoded = await FrameDecoder.DecodeAsync(v, 0, 100, 8, 32, CancellationToken.None);
            Assert.Equal(decoded.Count, actions.Count);
        }
        Assert.Equal("path,split,actions,crossings", File.ReadLines(result.ManifestPath).First());
        SynthOutput.Prepare(dir, "rooms", overwrite: true); // synth's own files, action files included, are removed
        Assert.Empty(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
        Directory.Delete(dir, true);
    }
}
