using static TorchSharp.torch;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// What the predictor expects, made visible without a pixel decoder: the gallery frame whose target
/// embedding is nearest to a predicted embedding (Euclidean over all tokens and channels; one matrix
/// product, where an L1 distance matrix measured ~30× slower on the CPU). A perfect predictor retrieves
/// the true future frame.
/// </summary>
public static class Retrieval
{
    /// <summary>Index of the nearest gallery item of every query.</summary>
    /// <param name="queries">[Q, N, D] (or [Q, F])</param>
    /// <param name="gallery">[G, N, D] (or [G, F])</param>
    /// <param name="excluded">[Q, G] bool: gallery items a query may not retrieve (e.g. the frames it has seen); null for none</param>
    public static long[] Nearest(Tensor queries, Tensor gallery, Tensor? excluded = null) =>
        Top(queries, gallery, 1, excluded).Select(t => t[0]).ToArray();

    /// <summary>The <paramref name="k"/> nearest gallery items of every query, nearest first.</summary>
    public static long[][] Top(Tensor queries, Tensor gallery, int k, Tensor? excluded = null)
    {
        using var scope = NewDisposeScope();
        var d = Distances(queries, gallery); // [Q, G]
        if (excluded is not null) d = d.masked_fill(excluded.cpu(), double.PositiveInfinity);
        var top = d.topk(Math.Min(k, (int)d.shape[1]), dim: 1, largest: false).indexes.contiguous();
        var flat = top.data<long>().ToArray();
        int kk = (int)top.shape[1];
        return Enumerable.Range(0, (int)top.shape[0]).Select(q => flat[(q * kk)..((q + 1) * kk)]).ToArray();
    }

    /// <summary>Mean squared distance of every query to every gallery item, [Q, G], on the CPU.</summary>
    public static Tensor Distances(Tensor queries, Tensor gallery)
    {
        if (queries.shape[0] == 0 || gallery.shape[0] == 0)
            throw new ArgumentException("retrieval needs at least one query and one gallery item");
        var q = queries.to(float32).cpu().reshape(queries.shape[0], -1);
        var g = gallery.to(float32).cpu().reshape(gallery.shape[0], -1);
        if (q.shape[1] != g.shape[1])
            throw new ArgumentException($"queries have {q.shape[1]} values each, the gallery {g.shape[1]}");
        // |q − g|² = |q|² + |g|² − 2 q·g
        var d = q.pow(2).sum(1, keepdim: true) + g.pow(2).sum(1).unsqueeze(0) - 2 * q.matmul(g.t());
        return d.clamp_min(0) / q.shape[1];
    }
}
