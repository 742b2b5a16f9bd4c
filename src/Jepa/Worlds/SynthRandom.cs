namespace Jepa.Worlds;

/// <summary>
/// SplitMix64: a tiny generator whose output is fixed by its algorithm, unlike System.Random whose
/// sequence may change between .NET versions. Synthetic data must be reproducible forever.
/// </summary>
internal sealed class SynthRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A seed for item <paramref name="index"/> of a set seeded with <paramref name="seed"/>.</summary>
    public static ulong Mix(long seed, long index, ulong stream = 0)
    {
        var r = new SynthRandom(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index ^ (stream << 48)));
        r.NextUInt64();
        return r.NextUInt64();
    }

    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Range(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)(NextDouble() * n);
}
