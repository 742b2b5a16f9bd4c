using System.Globalization;
using Jepa.Config;

namespace Jepa.Embeddings;

/// <summary>How each .npy is stored.</summary>
public enum EmbedDtype { Float32, Float16 }

/// <summary>What a window's embedding is averaged over: nothing [T, N, D], tokens [T, D], or tokens and time [D].</summary>
public enum EmbedPool { None, Frame, Clip }

/// <summary>Part <see cref="Index"/> (0-based) of <see cref="Count"/>: video k of the sorted list belongs to part k mod Count.</summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    public bool Holds(int videoIndex) => videoIndex % Count == Index;

    /// <summary>Parses <c>i/n</c>, 0 ≤ i &lt; n (a SLURM array runs <c>--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT</c>).</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && i < n)
            return new Shard(i, n);
        throw new UsageException($"--shard '{text}' is not i/n with 0 <= i < n; for example 0/4 is the first of four parts.");
    }

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>What one <c>jepa embed</c> writes: levels, pooling, dtype, window stride (frames) and shard.</summary>
public sealed record EmbedOptions(IReadOnlyList<int> Levels, EmbedPool Pool, EmbedDtype Dtype, int? Stride, Shard Shard)
{
    public static IReadOnlyList<int> ParseLevels(string text) => text switch
    {
        "1" => [1],
        "2" => [2],
        "all" => [1, 2],
        _ => throw new UsageException($"--level '{text}' is not known; give 1, 2 or all."),
    };

    public static EmbedPool ParsePool(string text) => text switch
    {
        "none" => EmbedPool.None,
        "frame" => EmbedPool.Frame,
        "clip" => EmbedPool.Clip,
        _ => throw new UsageException($"--pool '{text}' is not known; give none ([T, N, D] tokens), frame ([T, D]) or clip ([D])."),
    };

    public static EmbedDtype ParseDtype(string text) => text switch
    {
        "float32" => EmbedDtype.Float32,
        "float16" => EmbedDtype.Float16,
        _ => throw new UsageException($"--dtype '{text}' is not known; give float32 or float16."),
    };

    public static string Name(EmbedPool pool) => pool.ToString().ToLowerInvariant();

    public static string Name(EmbedDtype dtype) => dtype.ToString().ToLowerInvariant();
}
