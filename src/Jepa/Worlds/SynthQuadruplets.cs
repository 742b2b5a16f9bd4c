namespace Jepa.Worlds;

/// <summary>
/// The balanced quadruplets of the world with occluders (IntPhys): which kinds a group has, and how each is made: the
/// mirror (a second plausible clip), the frame the two plausible clips are spliced at, and the splice.
/// </summary>
public static partial class SynthPhysicsSet
{
    /// <summary>
    /// The balanced quadruplets of an occlusion group (as IntPhys builds its tests): each kind adds a second
    /// plausible clip (the mirror) and two impossible ones spliced from the two plausible clips at the
    /// first frame the object is wholly hidden (the first half of one, the second half of the other), so
    /// that the impossible pair shows exactly the frames the plausible pair shows, only joined the other way.
    /// </summary>
    public static readonly IReadOnlyList<HiddenQuadruplet> HiddenQuadruplets =
    [
        new("vanish_behind", "empty", "vanish_behind", "appear_behind"),
        new("hidden_recolour", "recoloured", "hidden_recolour", "hidden_recolour_back"),
        new("hidden_reshape", "reshaped", "hidden_reshape", "hidden_reshape_back"),
        new("hidden_resize", "small", "hidden_resize", "hidden_grow"),
        new("reappear_time", "ahead", "reappear_early", "reappear_late"),
        new("reappear_place", "shifted", "reappear_place", "reappear_place_back"),
        new("reappear_speed", "slow", "reappear_faster", "reappear_slower"),
    ];

    /// <summary>
    /// The balanced quadruplets of a plain-view group of the world with occluders: a change of look in mid-air, or
    /// the object gone, built like <see cref="HiddenQuadruplets"/> (the mirror is the changed object all along the
    /// same path, or the empty scene; the impossible clips change at the group's event frame, one way and back).
    /// Pairwise, a look can be less surprising than another by itself (measured: the untrained model scored
    /// recolour 1.00, the trained one 0.38–0.50), and an empty scene is less surprising than a moving object
    /// (vanish scored 0.00 by every time-mean statistic); the balance cancels both.
    /// </summary>
    public static readonly IReadOnlyList<HiddenQuadruplet> PlainQuadruplets =
    [
        new("recolour", "recoloured", "recolour", "recolour_back"),
        new("reshape", "reshaped", "reshape", "reshape_back"),
        // The mirror is the empty scene: the object vanishes in mid-air, and (back) appears from nothing.
        new("vanish", "empty", "vanish", "appear"),
    ];

    /// <summary>
    /// The balanced quadruplets of the changes of motion without a cause (plain view, world with occluders). The mirror
    /// is another plausible throw that passes through the same point at the splice frame with another velocity, traced
    /// back in free flight; spliced one way and back, one impossible clip changes speed, direction or stops in mid-air
    /// and the other does the opposite. slowdown: a quarter of the velocity (back: four times it, a speed-up); reversal:
    /// the horizontal motion turned back; stop: no horizontal motion (the object drops or rises straight; back: a
    /// straight throw that sets off sideways); teleport: the same velocity at the mirror place across the wall, or mirrored
    /// too where no throw can have it there (back: the jump the other way). Pairwise, a slower object is less surprising by itself (measured: 0.38), and a plausible
    /// throw's bounces later in the clip outweigh the change; the balance cancels both.
    /// </summary>
    public static readonly IReadOnlyList<HiddenQuadruplet> MotionQuadruplets =
    [
        new("slowdown", "slow", "slowdown", "speedup"),
        new("reversal", "reversed", "reversal", "reversal_back"),
        new("stop", "straight", "stop", "start"),
        new("teleport", "across", "teleport", "teleport_back"),
    ];

    /// <summary>
    /// The mirror of <paramref name="start"/> (an occlusion group's plausible clip) for quadruplet <paramref name="kind"/>:
    /// a plausible clip with the same screen whose frames from the first hidden one on are what the impossible clip
    /// shows after its event. vanish_behind: no object at all; hidden_*: the changed object all along the same path;
    /// reappear_time: the same path 2 or 3 frames ahead; reappear_place: started higher or lower by the shift;
    /// reappear_speed: a third to half the horizontal speed, started so that it is where the plausible object is at
    /// the first hidden frame.
    /// </summary>
    public static PhysicsScene Mirror(PhysicsScene start, string kind, int seed, int group) => MirrorAt(start, kind, seed, group).Mirror;

    /// <summary>
    /// <see cref="Mirror"/> and the frame its quadruplet is spliced at: the group's event frame, except for a change of
    /// motion (<see cref="MotionQuadruplets"/>), whose mirror is the throw through the plausible object's place at the
    /// splice frame with the changed velocity: at the event frame where such a throw fits in the frame without touching
    /// anything before it, else at the nearest mid-flight frame where one does (the vertical speed there as close to the
    /// named change as fits).
    /// </summary>
    public static (PhysicsScene Mirror, int At) MirrorAt(PhysicsScene start, string kind, int seed, int group)
    {
        if (MotionQuadruplets.Any(q => q.Kind == kind))
            return Through(start, kind);
        var o = start.Object;
        int e = start.EventFrame;
        return (kind switch
        {
            "vanish_behind" => start with { Event = PhysicsEvent.VanishBehind, EventFrame = 0 },
            "vanish" => start with { Event = PhysicsEvent.Vanish, EventFrame = 0 },
            "recolour" => Variant(start, PhysicsEvent.Recolour, seed, group) with { EventFrame = 0 },
            "reshape" => Variant(start, PhysicsEvent.Reshape, seed, group) with { EventFrame = 0 },
            "hidden_recolour" => Variant(start, PhysicsEvent.HiddenRecolour, seed, group) with { EventFrame = 0 },
            "hidden_reshape" => Variant(start, PhysicsEvent.HiddenReshape, seed, group) with { EventFrame = 0 },
            "hidden_resize" => Variant(start, PhysicsEvent.HiddenResize, seed, group) with { EventFrame = 0 },
            "reappear_time" => Ahead(start, (int)Variant(start, PhysicsEvent.ReappearEarly, seed, group).Shift),
            "reappear_place" => Ahead(start with { Object = o with { Y = Math.Clamp(o.Y + Variant(start, PhysicsEvent.ReappearPlace, seed, group).Shift, o.Top, PhysicsScene.FloorY - o.Bottom) } }, 0),
            "reappear_speed" => Slower(start, new SynthRandom(SynthRandom.Mix(seed, group, VoeStream + 2)).Range(0.33, 0.5)),
            _ => throw new ArgumentException($"no quadruplet '{kind}'", nameof(kind)),
        }, e);

        static PhysicsScene Ahead(PhysicsScene s, int frames)
        {
            var moved = s.StateAt(frames);
            return s with { Object = moved, Changed = moved };
        }

        PhysicsScene Slower(PhysicsScene s, double factor)
        {
            var at = s.StateAt(e);
            double vx = o.Vx * factor, x = Math.Clamp(at.X - vx * e / s.Fps, o.HalfWidth, 1 - o.HalfWidth);
            var slow = o with { X = x, Vx = vx };
            return s with { Object = slow, Changed = slow };
        }
    }

    // The motion quadruplet's mirror: tried at the event frame first, then at the other mid-flight frames nearest to it
    // (the plausible object touches nothing from two frames before to one after), each with the velocity the kind names
    // (reversal: at full, three quarters or half the speed) and vertical speeds nearest the named one; traced back with
    // its bounces off the sides, ceiling and wall (a fast throw crosses its half of the scene in four frames). One that
    // touches nothing from two frames before the splice to one after is preferred.
    private static (PhysicsScene Mirror, int At) Through(PhysicsScene start, string kind)
    {
        int n = start.FrameCount, lo = Math.Max(2, n / 3), hi = Math.Max(lo, 2 * n / 3);
        var contacts = start.Contacts();
        var frames = Enumerable.Range(2, Math.Max(0, n - 3))
            .Where(f => !contacts[f - 2] && !contacts[f - 1] && !contacts[f])
            .OrderBy(f => f == start.EventFrame ? 0 : f >= lo && f <= hi ? 1 : 2).ThenBy(f => Math.Abs(f - start.EventFrame)).ToList();
        var verticals = Enumerable.Range(-30, 61).Select(k => k * 0.05).ToArray();
        (PhysicsScene, int)? fallback = null;
        foreach (int e in frames)
        {
            var at = start.StateAt(e);
            if (kind == "teleport")
                at = at with { X = Math.Clamp(2 * start.WallX - at.X, at.HalfWidth, 1 - at.HalfWidth) };
            var (horizontals, vertical) = kind switch
            {
                // The same velocity where a throw can have it there untouched, else mirrored too (coming at the wall from its other side).
                "teleport" => (new[] { at.Vx, -at.Vx }, at.Vy),
                "slowdown" => (new[] { 0.25 * at.Vx }, 0.25 * at.Vy),
                "reversal" => (new[] { -at.Vx, -0.75 * at.Vx, -0.5 * at.Vx }, -at.Vy),
                "stop" => (new[] { 0.0 }, at.Vy),
                _ => throw new ArgumentException($"no motion quadruplet '{kind}'", nameof(kind)),
            };
            foreach (double vx in horizontals)
                foreach (double vy in verticals.Prepend(vertical).OrderBy(v => Math.Abs(v - vertical)))
                {
                    if (start.Before(at with { Vx = vx, Vy = vy }, e) is not { } from)
                        continue;
                    // Kept where running it forward arrives (to a thousandth of a pixel) and it touches nothing from two frames
                    // before the splice to one after: the change at the splice is the only one there.
                    var mirror = start with { Object = from, Changed = from };
                    var there = mirror.StateAt(e);
                    if (Math.Abs(there.X - at.X) + Math.Abs(there.Y - at.Y) >= 1e-3 / start.Size)
                        continue;
                    var touches = mirror.Contacts();
                    if (!touches[e - 2] && !touches[e - 1] && !touches[e])
                        return (mirror, e);
                    fallback ??= (mirror, e);
                }
        }
        // A fast throw teleported into a narrow half of the scene bounces every two frames there: such a mirror may
        // bounce next to the splice (still plausible, and both pairs still show the same frames).
        return fallback ?? throw new InvalidOperationException($"no plausible throw meets the object of this scene in mid-flight for the '{kind}' quadruplet (clips of {n} frames); make the clips longer");
    }

    /// <summary>The frames of <paramref name="first"/> before <paramref name="frame"/>, then those of <paramref name="second"/> from it on.</summary>
    public static byte[] Splice(byte[] first, byte[] second, int frame, int frameBytes)
    {
        var result = (byte[])second.Clone();
        first.AsSpan(0, frame * frameBytes).CopyTo(result);
        return result;
    }
}

/// <summary>
/// A balanced quadruplet (of an occlusion group, or an event in plain view): <see cref="Kind"/> (its group's suffix and the <c>event</c> of its two impossible
/// clips), and the file-name parts of the mirror plausible clip and of the two impossible clips (plausible then mirror, and back).
/// </summary>
public sealed record HiddenQuadruplet(string Kind, string MirrorName, string Impossible, string ImpossibleBack);
