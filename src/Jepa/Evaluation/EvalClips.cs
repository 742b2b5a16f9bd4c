using Jepa.Data;

namespace Jepa.Evaluation;

/// <summary>Fixed held-out clips: non-overlapping windows taken round-robin across videos, no randomness.</summary>
public static class EvalClips
{
    public static IReadOnlyList<ClipRef> Select(Corpus corpus, int frames, int maxClips)
    {
        var perVideo = corpus.FrameCounts.Select(c => c / frames).ToArray(); // whole windows in each video
        var clips = new List<ClipRef>();
        for (int w = 0; clips.Count < maxClips; w++)
        {
            bool any = false;
            for (int v = 0; v < perVideo.Length && clips.Count < maxClips; v++)
            {
                if (w >= perVideo[v]) continue;
                clips.Add(new ClipRef(v, w * frames, false));
                any = true;
            }
            if (!any) break;
        }
        return clips;
    }
}
