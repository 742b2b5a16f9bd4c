using Jepa.Worlds;

namespace Jepa.Planning;

/// <summary>A planning episode: the agent starts at Start and must reach Goal, in the other room.</summary>
public sealed record PlanEpisode(int Index, (double X, double Y) Start, (double X, double Y) Goal);

/// <summary>Episodes of the rooms world as a pure function of (seed, index): start and goal always in different rooms.</summary>
public static class PlanEpisodes
{
    public static IReadOnlyList<PlanEpisode> Make(int seed, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var rng = new SynthRandom(SynthRandom.Mix(seed, i, stream: 11));
            int room = rng.Next(2);
            return new PlanEpisode(i, RoomsWorld.RandomFree(rng, room), RoomsWorld.RandomFree(rng, 1 - room));
        }).ToList();
}
