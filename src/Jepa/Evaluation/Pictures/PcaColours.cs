using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// The first three principal components of token embeddings as red, green and blue (the feature
/// picture of DINO and V-JEPA): tokens the model thinks alike get alike colours. Fitted once over
/// many tokens, then applied to any clip, so colours mean the same in every picture.
/// </summary>
public sealed class PcaColours : IDisposable
{
    private readonly Tensor mean;       // [D]
    private readonly Tensor components; // [3, D]
    private readonly Tensor lo, hi;     // [3]: 1st and 99th percentile of each component over the fitted rows

    private PcaColours(Tensor mean, Tensor components, Tensor lo, Tensor hi, long rows)
    {
        FittedRows = rows;
        this.mean = mean;
        this.components = components;
        this.lo = lo;
        this.hi = hi;
    }

    /// <summary>Fits on <paramref name="rows"/> [M, D] (M ≥ 3), on the CPU.</summary>
    public static PcaColours Fit(Tensor rows)
    {
        if (rows.dim() != 2 || rows.shape[0] < 3 || rows.shape[1] < 3)
            throw new ArgumentException($"PCA needs [M ≥ 3, D ≥ 3] rows, not [{string.Join(", ", rows.shape)}].", nameof(rows));
        using var scope = NewDisposeScope();
        var x = rows.to(float32).cpu();
        var mu = x.mean([0]);
        var centred = x - mu;
        // Eigenvectors of the D×D covariance: the same components as an SVD of the M×D rows, far cheaper for M ≫ D.
        var (_, vectors) = linalg.eigh(centred.t().matmul(centred) / x.shape[0]); // eigenvalues ascending
        var top = vectors.narrow(1, vectors.shape[1] - 3, 3).flip(1).t().contiguous(); // [3, D], largest first
        // An SVD's signs are arbitrary: make each component's largest coefficient positive, so a rerun paints the same colours.
        var sign = top.gather(1, top.abs().argmax(1, keepdim: true)).sign();
        top = top * sign;
        var projected = centred.matmul(top.t()); // [M, 3]
        var sorted = projected.sort(0).Values;
        long m = sorted.shape[0];
        var low = sorted[(long)(0.01 * (m - 1))];
        var high = sorted[(long)Math.Ceiling(0.99 * (m - 1))];
        return new PcaColours(mu.DetachFromDisposeScope(), top.DetachFromDisposeScope(), low.clone().DetachFromDisposeScope(), high.clone().DetachFromDisposeScope(), m);
    }

    /// <summary>How many tokens it was fitted on.</summary>
    public long FittedRows { get; }

    /// <summary>The fitted components [3, D], largest variance first.</summary>
    public Tensor Components => components;

    /// <summary>Colours in [0, 1] of tokens [..., D] → [..., 3].</summary>
    public Tensor Colours(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var p = (tokens.to(float32).cpu() - mean).matmul(components.t());
        return ((p - lo) / (hi - lo).clamp_min(1e-6)).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One clip's token colours as pictures, bilinearly upsampled from the token grid to <paramref name="size"/> px.
    /// </summary>
    /// <param name="tokens">[T, N, D], N a square grid</param>
    public RgbImage[] Maps(Tensor tokens, int size)
    {
        using var scope = NewDisposeScope();
        long t = tokens.shape[0], n = tokens.shape[1];
        int grid = (int)Math.Round(Math.Sqrt(n));
        if (grid * grid != n) throw new ArgumentException($"{n} tokens are not a square grid.", nameof(tokens));
        var c = Colours(tokens).reshape(t, grid, grid, 3).permute(0, 3, 1, 2); // [T, 3, g, g]
        var up = nn.functional.interpolate(c, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        var bytes = (up.clamp(0, 1) * 255).round().to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        int frameBytes = size * size * 3;
        return Enumerable.Range(0, (int)t).Select(i => new RgbImage(size, size, bytes[(i * frameBytes)..((i + 1) * frameBytes)])).ToArray();
    }

    public void Dispose()
    {
        mean.Dispose();
        components.Dispose();
        lo.Dispose();
        hi.Dispose();
    }
}
