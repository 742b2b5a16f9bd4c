using Jepa.Worlds;

namespace Jepa.Tests.Worlds;

public class OccluderTests
{
    private static readonly SynthOptions Occluded = new() { Seconds = 2, Fps = 8, Size = 32, Seed = 5, Groups = 4, Occluders = true };

    private static int FrameBytes(SynthOptions o) => o.Size * o.Size * 3;

    private static readonly PhysicsEvent[] MotionChanges = [PhysicsEvent.Slowdown, PhysicsEvent.Speedup, PhysicsEvent.Reversal, PhysicsEvent.Stop];

    private static PhysicsScene Start(int group, SynthOptions o) =>
        group % 2 == 1 ? SynthPhysicsSet.DescribeOcclusionGroup(o.Seed, group, o) : SynthPhysicsSet.DescribeGroup(o.Seed, group, o);

    [Fact]
    public void Every_twin_of_the_world_with_occluders_equals_its_plausible_clip_until_its_event_and_differs_after()
    {
        int fb = FrameBytes(Occluded);
        for (int g = 0; g < 4; g++)
        {
            var start = Start(g, Occluded);
            var plausible = start.Render();
            // Occlusion groups are written as balanced quadruplets now; their single twins are still what the mirrors are made of.
            // So are a plain group's events but throughwall and antigravity (PlainQuadruplets, MotionQuadruplets), whose
            // impossible clips are (or, for motion, start like) these twins.
            Assert.Equal(g % 2 == 1 ? [] : [PhysicsEvent.ThroughWall, PhysicsEvent.Antigravity],
                SynthPhysicsSet.ViolationsOf(g, Occluded));
            var events = g % 2 == 1 ? SynthPhysicsSet.HiddenEvents : [.. SynthPhysicsSet.Violations, .. MotionChanges];
            foreach (var e in events)
            {
                var twin = SynthPhysicsSet.Variant(start, e, Occluded.Seed, g);
                var bytes = twin.Render();
                Assert.InRange(twin.EventFrame, 1, Occluded.FrameCount - 1);
                Assert.True(plausible.AsSpan(0, twin.EventFrame * fb).SequenceEqual(bytes.AsSpan(0, twin.EventFrame * fb)), $"group {g}, {e} differs before its event");
                Assert.False(plausible.AsSpan(twin.EventFrame * fb).SequenceEqual(bytes.AsSpan(twin.EventFrame * fb)), $"group {g}, {e} never differs");
            }
        }
    }

    [Fact]
    public void Events_behind_the_screen_are_invisible_until_the_object_comes_out()
    {
        int fb = FrameBytes(Occluded);
        for (int g = 1; g < 8; g += 2)
        {
            var start = Start(g, Occluded);
            var path = start.Trajectory();
            int last = start.EventFrame;
            while (last + 1 < path.Length && start.Hidden(path[last + 1].X)) last++;
            Assert.True(start.Hidden(path[start.EventFrame].X), $"group {g}: the event frame {start.EventFrame} is not hidden");
            var plausible = start.Render();
            // Early and a faster speed may bring the object out before the plausible one: they are seen sooner by design.
            foreach (var e in new[] { PhysicsEvent.VanishBehind, PhysicsEvent.HiddenRecolour, PhysicsEvent.HiddenReshape, PhysicsEvent.HiddenResize, PhysicsEvent.ReappearLate, PhysicsEvent.ReappearPlace })
            {
                var twin = SynthPhysicsSet.Variant(start, e, Occluded.Seed, g).Render();
                int n = (last + 1) * fb;
                Assert.True(plausible.AsSpan(0, n).SequenceEqual(twin.AsSpan(0, n)), $"group {g}, {e} is seen while the object is hidden (frames {start.EventFrame}..{last})");
            }
        }
    }

    [Fact]
    public void The_object_is_not_drawn_while_wholly_behind_a_screen_and_is_seen_once_a_pixel_and_a_half_out()
    {
        var options = Occluded with { Size = 64 };
        int fb = FrameBytes(options), hiddenFrames = 0, seenFrames = 0;
        for (int g = 1; g < 12; g += 2)
        {
            var scene = Start(g, options);
            var frames = scene.Render();
            var empty = (scene with { Event = PhysicsEvent.Vanish, EventFrame = 0 }).Render();
            var path = scene.Trajectory();
            var screen = scene.ScreenList.Single();
            for (int f = 0; f < path.Length; f++)
            {
                bool same = frames.AsSpan(f * fb, fb).SequenceEqual(empty.AsSpan(f * fb, fb));
                double outside = Math.Max(screen.X - screen.HalfWidth - (path[f].X - scene.Object.HalfWidth), path[f].X + scene.Object.HalfWidth - (screen.X + screen.HalfWidth));
                if (scene.Hidden(path[f].X)) { Assert.True(same, $"group {g} frame {f}: hidden but drawn"); hiddenFrames++; }
                else if (outside * options.Size >= 1.5) { Assert.False(same, $"group {g} frame {f}: {outside * options.Size:F1} px out of the screen but not seen"); seenFrames++; }
            }
        }
        Assert.True(hiddenFrames >= 6 && seenFrames >= 30, $"{hiddenFrames} hidden and {seenFrames} seen frames: too few to test");
    }

    [Fact]
    public void An_occlusion_group_hides_the_object_once_in_the_middle_third_with_frames_seen_before_and_after()
    {
        var options = Occluded with { Size = 64 };
        int n = options.FrameCount, lo = n / 3, hi = 2 * n / 3;
        for (int g = 1; g < 32; g += 2)
        {
            var scene = Start(g, options);
            var path = scene.Trajectory();
            var hidden = Enumerable.Range(0, n).Where(f => scene.Hidden(path[f].X)).ToList();
            Assert.NotEmpty(hidden);
            Assert.Equal(hidden.Count, hidden[^1] - hidden[0] + 1);
            Assert.Equal(hidden[0], scene.EventFrame);
            Assert.InRange(hidden[0], lo, hi);
            Assert.True(hidden[^1] + 3 < n, $"group {g}: comes out at frame {hidden[^1] + 1} of {n}");
            var screen = scene.ScreenList.Single();
            Assert.True(Math.Abs(screen.X - scene.WallX) > screen.HalfWidth + PhysicsScene.WallHalf, $"group {g}: the screen covers the wall");
        }
    }

    [Fact]
    public void Motion_changes_happen_in_plain_view_and_change_the_path_as_named()
    {
        int checkedSpeedups = 0;
        for (int g = 0; g < 24; g += 2)
        {
            var start = Start(g, Occluded);
            var plausible = start.Trajectory();
            int e = start.EventFrame;
            Assert.Empty(start.ScreenList);
            double step = Math.Abs(plausible[e + 1].X - plausible[e].X);
            double Step(PhysicsEvent kind) { var p = (start with { Event = kind }).Trajectory(); return p[e + 1].X - p[e].X; }
            Assert.True(Math.Abs(Step(PhysicsEvent.Slowdown)) < 0.5 * step, $"group {g}: slowdown");
            // A faster object may reach the wall or a side within the frame; where it does not, it went further.
            if (!(start with { Event = PhysicsEvent.Speedup }).Contacts()[e])
            {
                Assert.True(Math.Abs(Step(PhysicsEvent.Speedup)) > 1.5 * step, $"group {g}: speedup");
                checkedSpeedups++;
            }
            Assert.True(Step(PhysicsEvent.Reversal) * (plausible[e + 1].X - plausible[e].X) < 0, $"group {g}: reversal");
            var stopped = (start with { Event = PhysicsEvent.Stop }).Trajectory();
            Assert.All(Enumerable.Range(e, stopped.Length - e), f => Assert.Equal(stopped[e], stopped[f]));
        }
        Assert.True(checkedSpeedups > 0, "no speed-up was free of contacts: the test checked none");
    }

    [Fact]
    public void Training_clips_get_zero_to_two_screens_clear_of_the_wall_only_in_the_world_with_occluders()
    {
        var counts = new int[3];
        for (int i = 0; i < 30; i++)
        {
            var plain = SynthPhysicsSet.Describe(1, i, Occluded with { Occluders = false });
            var occluded = SynthPhysicsSet.Describe(1, i, Occluded);
            Assert.Empty(plain.ScreenList);
            Assert.Equal(plain with { Screens = null }, occluded with { Screens = null }); // the same throw, with screens added
            counts[occluded.ScreenList.Count]++;
            Assert.All(occluded.ScreenList, s => Assert.True(Math.Abs(s.X - occluded.WallX) > s.HalfWidth + PhysicsScene.WallHalf));
        }
        Assert.All(counts, c => Assert.True(c > 0, $"screen counts 0/1/2: {string.Join("/", counts)}"));
    }

    [Fact]
    public void A_voe_set_without_occluders_has_todays_events_and_with_them_adds_the_new_ones()
    {
        var plain = Occluded with { Occluders = false };
        Assert.Equal(4 * (1 + SynthPhysicsSet.Violations.Count), SynthPhysicsSet.VoeVideoCount(plain));
        Assert.Equal(2 * (1 + 2 + 3 * (3 + 4)) + 2 * (1 + 3 * 7), SynthPhysicsSet.VoeVideoCount(Occluded));
        var names = SynthPhysicsSet.HiddenEvents.Concat(MotionChanges).Select(SynthPhysicsSet.EventName).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("vanish_behind", names);
    }

    [Fact]
    public void Each_hidden_quadruplet_splices_two_plausible_clips_at_the_first_hidden_frame_so_both_pairs_show_the_same_frames()
    {
        int fb = FrameBytes(Occluded), n = Occluded.FrameCount;
        int hiddenInMirror = 0, checkedMirrors = 0;
        for (int g = 1; g < 8; g += 2)
        {
            var start = Start(g, Occluded);
            int e = start.EventFrame;
            var plausible = start.Render();
            foreach (var quad in SynthPhysicsSet.HiddenQuadruplets)
            {
                var mirror = SynthPhysicsSet.Mirror(start, quad.Kind, Occluded.Seed, g);
                // The mirror is plausible: no event that moves the object, the same screen and scenery.
                Assert.Contains(mirror.Event, new[] { PhysicsEvent.None, PhysicsEvent.VanishBehind, PhysicsEvent.HiddenRecolour, PhysicsEvent.HiddenReshape, PhysicsEvent.HiddenResize });
                Assert.True(mirror.Event == PhysicsEvent.None || mirror.EventFrame == 0, $"{quad.Kind}: the mirror changes at frame {mirror.EventFrame}");
                Assert.Equal(start.ScreenList, mirror.ScreenList);
                var other = mirror.Render();
                Assert.False(plausible.AsSpan(e * fb).SequenceEqual(other.AsSpan(e * fb)), $"group {g}, {quad.Kind}: the mirror ends like the plausible clip");
                var impossible = SynthPhysicsSet.Splice(plausible, other, e, fb);
                var back = SynthPhysicsSet.Splice(other, plausible, e, fb);
                // Frame by frame, {impossible, back} is {plausible, mirror}: the two pairs show the same pixels.
                for (int f = 0; f < n; f++)
                {
                    Span<byte> p = plausible.AsSpan(f * fb, fb), m = other.AsSpan(f * fb, fb), i = impossible.AsSpan(f * fb, fb), b = back.AsSpan(f * fb, fb);
                    Assert.True(f < e ? i.SequenceEqual(p) && b.SequenceEqual(m) : i.SequenceEqual(m) && b.SequenceEqual(p), $"group {g}, {quad.Kind}, frame {f}");
                }
                if (quad.Kind == "vanish_behind")
                {
                    Assert.All(mirror.Trajectory(), t => Assert.False(t.Visible));
                    continue;
                }
                checkedMirrors++;
                if (mirror.Hidden(mirror.Trajectory()[e].X)) hiddenInMirror++;
                if (quad.Kind == "reappear_time")
                {
                    // The same path 2 or 3 frames ahead.
                    var (path, ahead) = (start.Trajectory(), mirror.Trajectory());
                    Assert.True(Enumerable.Range(2, 2).Any(s => Enumerable.Range(0, n - s).All(f => ahead[f] == path[f + s])), $"group {g}: the mirror is not the path ahead");
                }
            }
        }
        // The splice frame hides the object in both clips for most mirrors (a faster or shifted one may already peek out).
        Assert.True(hiddenInMirror >= checkedMirrors / 2, $"{hiddenInMirror} of {checkedMirrors} mirrors hide the object at the splice frame");
    }

    [Fact]
    public void Each_plain_quadruplet_changes_the_look_in_mid_air_one_way_and_back_and_both_pairs_show_the_same_frames()
    {
        int fb = FrameBytes(Occluded), n = Occluded.FrameCount;
        for (int g = 0; g < 8; g += 2)
        {
            var start = SynthPhysicsSet.DescribeGroup(Occluded.Seed, g, Occluded);
            int e = start.EventFrame;
            var plausible = start.Render();
            foreach (var quad in SynthPhysicsSet.PlainQuadruplets)
            {
                var mirror = SynthPhysicsSet.Mirror(start, quad.Kind, Occluded.Seed, g);
                // The mirror is the changed object from the first frame on, along the same path: plausible.
                Assert.Equal(0, mirror.EventFrame);
                Assert.Equal(start.Trajectory().Select(t => (t.X, t.Y)), mirror.Trajectory().Select(t => (t.X, t.Y)));
                var other = mirror.Render();
                Assert.False(plausible.AsSpan(0, fb).SequenceEqual(other.AsSpan(0, fb)), $"group {g}, {quad.Kind}: the mirror starts like the plausible clip");
                // The impossible clip is today's pairwise twin, frame for frame.
                var twin = SynthPhysicsSet.Variant(start, quad.Kind switch { "recolour" => PhysicsEvent.Recolour, "reshape" => PhysicsEvent.Reshape, _ => PhysicsEvent.Vanish }, Occluded.Seed, g).Render();
                var impossible = SynthPhysicsSet.Splice(plausible, other, e, fb);
                Assert.True(twin.AsSpan().SequenceEqual(impossible), $"group {g}, {quad.Kind}: the splice is not the twin");
                var back = SynthPhysicsSet.Splice(other, plausible, e, fb);
                for (int f = 0; f < n; f++)
                {
                    Span<byte> p = plausible.AsSpan(f * fb, fb), m = other.AsSpan(f * fb, fb), b = back.AsSpan(f * fb, fb);
                    Assert.True(f < e ? b.SequenceEqual(m) : b.SequenceEqual(p), $"group {g}, {quad.Kind}, frame {f}");
                }
            }
        }
    }

    [Fact]
    public void Each_motion_quadruplet_meets_the_plausible_object_at_the_splice_frame_with_the_named_change_and_both_pairs_show_the_same_frames()
    {
        int fb = FrameBytes(Occluded), n = Occluded.FrameCount, atEvent = 0, quads = 0;
        var asTwin = new int[3]; // slowdowns, reversals, teleports
        int clear = 0; // mirrors that touch nothing next to the splice
        for (int g = 0; g < 48; g += 2)
        {
            var start = SynthPhysicsSet.DescribeGroup(Occluded.Seed, g, Occluded);
            var plausible = start.Render();
            foreach (var quad in SynthPhysicsSet.MotionQuadruplets)
            {
                var (mirror, at) = SynthPhysicsSet.MirrorAt(start, quad.Kind, Occluded.Seed, g);
                quads++;
                if (at == start.EventFrame) atEvent++;
                Assert.InRange(at, 2, n - 2);
                // The mirror is a plausible throw: no event, no screen, nothing touched from two frames before the splice to one after.
                Assert.Equal(PhysicsEvent.None, mirror.Event);
                Assert.Empty(mirror.ScreenList);
                var touches = mirror.Contacts();
                bool clean = !(touches[at - 2] || touches[at - 1] || touches[at]);
                if (clean) clear++;
                Assert.True(clean || quad.Kind == "teleport", $"group {g}, {quad.Kind}: the mirror bounces at the splice");
                // It is where the plausible object is at the splice frame (teleport: across the wall), with the velocity the kind names.
                var (p, m) = (start.StateAt(at), mirror.StateAt(at));
                double x = quad.Kind == "teleport" ? Math.Clamp(2 * start.WallX - p.X, p.HalfWidth, 1 - p.HalfWidth) : p.X;
                Assert.True(Math.Abs(x - m.X) + Math.Abs(p.Y - m.Y) < 1e-3 / Occluded.Size, $"group {g}, {quad.Kind}: the mirror is elsewhere at frame {at}");
                switch (quad.Kind)
                {
                    case "slowdown": Assert.Equal((0.25 * p.Vx, 0.25 * p.Vy), (m.Vx, m.Vy), (a, b) => Math.Abs(a.Item1 - b.Item1) + Math.Abs(a.Item2 - b.Item2) < 1e-9); break;
                    case "reversal": Assert.True(m.Vx * p.Vx < 0 && Math.Abs(m.Vx) >= 0.5 * Math.Abs(p.Vx) - 1e-12, $"group {g}: no reversal"); break;
                    case "stop": Assert.Equal((0.0, p.Vy), (m.Vx, m.Vy)); break;
                    case "teleport": Assert.True(Math.Abs(Math.Abs(m.Vx) - Math.Abs(p.Vx)) < 1e-9, $"group {g}: the teleported object moves at another speed"); break;
                }
                // Where the splice frame is the event frame, the impossible clip moves on as the pairwise twin of that change
                // (the stop twin hangs in the air; the quadruplet's stopped object falls straight down instead).
                var twin = quad.Kind switch { "slowdown" => PhysicsEvent.Slowdown, "reversal" => PhysicsEvent.Reversal, "teleport" => PhysicsEvent.Teleport, _ => PhysicsEvent.None };
                if (at == start.EventFrame && twin != PhysicsEvent.None)
                {
                    var (named, changed) = ((start with { Event = twin }).Trajectory(), mirror.Trajectory());
                    if (Enumerable.Range(at, n - at).All(f => Math.Abs(named[f].X - changed[f].X) + Math.Abs(named[f].Y - changed[f].Y) < 1e-6))
                        asTwin[quad.Kind switch { "slowdown" => 0, "reversal" => 1, _ => 2 }]++;
                }
                // Frame by frame, {impossible, back} is {plausible, mirror}, and the impossible clip breaks the plausible one at the splice.
                var other = mirror.Render();
                var impossible = SynthPhysicsSet.Splice(plausible, other, at, fb);
                var back = SynthPhysicsSet.Splice(other, plausible, at, fb);
                Assert.False(plausible.AsSpan((at + 1) * fb).SequenceEqual(impossible.AsSpan((at + 1) * fb)), $"group {g}, {quad.Kind}: nothing changes");
                for (int f = 0; f < n; f++)
                {
                    Span<byte> a = plausible.AsSpan(f * fb, fb), o = other.AsSpan(f * fb, fb), i = impossible.AsSpan(f * fb, fb), b = back.AsSpan(f * fb, fb);
                    Assert.True(f < at ? i.SequenceEqual(a) && b.SequenceEqual(o) : i.SequenceEqual(o) && b.SequenceEqual(a), $"group {g}, {quad.Kind}, frame {f}");
                }
            }
        }
        // Measured: every slowdown, reversal and stop spliced at the event frame (600 of 600 with seed 7; with teleports 91
        // of 96 here), every slowdown as its twin; a reversal only
        // where the turned-back throw could have come from where the plausible one goes (135 of 200 with seed 7, 6 of 24
        // here: a throw that falls onto the floor after the splice bounces lower, and turned back it climbed from nowhere).
        Assert.True(atEvent >= quads * 9 / 10, $"{atEvent} of {quads} motion quadruplets spliced at the group's event frame");
        Assert.Equal(24, asTwin[0]);
        Assert.InRange(asTwin[1], 4, 24);
        // Teleports (measured here: 16 of 24 with the same velocity, 16 of 24 untouched next to the splice): a fast throw
        // teleported into the narrow half of the scene bounces every two frames there, so its mirror may bounce at the splice.
        Assert.InRange(asTwin[2], 12, 24);
        Assert.InRange(clear, 3 * 24 + 12, quads);
    }

    [Fact]
    public void A_voe_set_with_occluders_writes_each_quadruplet_as_a_balanced_group_sharing_the_plausible_clip()
    {
        var dir = Path.Combine(TestSupport.TestVideos.Root, "occluded-quads");
        var options = Occluded with { Groups = 2, Size = 16 };
        var clips = Jepa.Evaluation.VoeSet.Read(SynthPhysicsSet.GenerateVoe(dir, options));
        Assert.Equal(SynthPhysicsSet.VoeVideoCount(options), clips.Select(c => c.Path).Distinct().Count());
        Assert.All(clips.Where(c => c.Group == "0"), c => Assert.False(c.Balanced));
        Assert.Equal(["throughwall", "antigravity"], clips.Where(c => c.Group == "0" && !c.Plausible).Select(c => c.Event));
        var quads = clips.Where(c => c.Group != "0").GroupBy(c => c.Group).ToList();
        Assert.Equal(SynthPhysicsSet.PlainQuadruplets.Concat(SynthPhysicsSet.MotionQuadruplets).Select(q => "0_" + q.Kind).Concat(SynthPhysicsSet.HiddenQuadruplets.Select(q => "1_" + q.Kind)),
            quads.Select(q => q.Key));
        Assert.All(quads, q =>
        {
            Assert.All(q, c => Assert.True(c.Balanced));
            Assert.Equal(2, q.Count(c => c.Plausible));
            Assert.Equal(Path.Combine(dir, "voe", $"g000{q.Key[0]}_plausible.mp4"), q.First().Path);
            Assert.All(q.Where(c => !c.Plausible), c => Assert.Equal(q.Key[2..], c.Event));
        });
    }
}
