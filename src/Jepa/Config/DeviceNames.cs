using System.Text.RegularExpressions;

namespace Jepa.Config;

/// <summary>The spellings of a device in train.device and --device: auto, cpu, cuda, cuda:N, in any case.</summary>
public static partial class DeviceNames
{
    /// <summary>The name trimmed and in lower case ("CUDA:0" → "cuda:0"), or null when it names no device.</summary>
    public static string? Normalise(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return Pattern().IsMatch(lower) ? lower : null;
    }

    // \z, not $: $ also matches before a final line break, which would let "cpu\n" through.
    [GeneratedRegex(@"^(auto|cpu|cuda|cuda:[0-9]{1,9})\z")]
    private static partial Regex Pattern();
}
