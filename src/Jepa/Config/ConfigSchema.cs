using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Serialization.NamingConventions;

namespace Jepa.Config;

/// <summary>The kind of value a config key holds, as far as parsing and messages care.</summary>
internal enum LeafKind { Int, NullableInt, Double, Bool, Text }

/// <summary>
/// The key tree of <see cref="JepaConfig"/>, read from the records themselves so that a new field is
/// a new key with no second list to keep in sync. Names go through YamlDotNet's own
/// <see cref="UnderscoredNamingConvention"/>, the same one the deserializer uses.
/// </summary>
internal static class ConfigSchema
{
    static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> Cache = new();
    static readonly Lazy<IReadOnlyList<string>> Paths = new(() => CollectPaths(typeof(JepaConfig), "").ToList());

    /// <summary>Every dotted key, sections included (train, train.loss, train.loss.level2, …).</summary>
    public static IReadOnlyList<string> AllPaths => Paths.Value;

    /// <summary>A section is one of our config records; everything else is a single value.</summary>
    public static bool IsSection(Type t) => t.IsClass && t != typeof(string) && t.Namespace == typeof(JepaConfig).Namespace;

    /// <summary>snake_case key → property, for one record type.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> KeysOf(Type section) =>
        Cache.GetOrAdd(section, t => t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod is { IsPublic: true })
            .ToDictionary(p => UnderscoredNamingConvention.Instance.Apply(p.Name), p => p, StringComparer.Ordinal));

    public static LeafKind KindOf(Type t) =>
        t == typeof(int) ? LeafKind.Int
        : t == typeof(int?) ? LeafKind.NullableInt
        : t == typeof(double) ? LeafKind.Double
        : t == typeof(bool) ? LeafKind.Bool
        : t == typeof(string) ? LeafKind.Text
        : throw new InvalidOperationException($"config value type {t} has no YAML form; add it to ConfigSchema.KindOf");

    /// <summary>The default value at a dotted path, shown in messages as an example of a good value.</summary>
    public static object? DefaultAt(string path)
    {
        object? node = new JepaConfig();
        foreach (var part in path.Split('.'))
        {
            if (node is null || !KeysOf(node.GetType()).TryGetValue(part, out var prop)) return null;
            node = prop.GetValue(node);
        }
        return node;
    }

    /// <summary>An example of a good value for a key, for the "such as …" part of a message.</summary>
    public static string Example(string path, LeafKind kind) => DefaultAt(path) switch
    {
        null => kind is LeafKind.Int or LeafKind.NullableInt ? "96" : "a value",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString() ?? "a value",
    };

    /// <summary>The closest known key to a mistyped one, or null when nothing is close.</summary>
    public static string? Suggest(string badPath)
    {
        var badLeaf = badPath[(badPath.LastIndexOf('.') + 1)..];
        // The right name in the wrong section (train.frames for data.frames) is the commonest slip.
        var sameLeaf = AllPaths.Where(p => p[(p.LastIndexOf('.') + 1)..] == badLeaf).ToList();
        if (sameLeaf.Count == 1) return sameLeaf[0];

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in AllPaths)
        {
            var d = EditDistance(badPath, candidate);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        // One slip per three letters: close enough to be a typo, far enough that 'foo' suggests nothing.
        return bestDistance <= Math.Max(1, badLeaf.Length / 3) ? best : null;
    }

    /// <summary>Optimal-string-alignment distance: a swap of two neighbours (stpes) counts as one edit.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    static IEnumerable<string> CollectPaths(Type section, string prefix)
    {
        foreach (var (name, prop) in KeysOf(section))
        {
            var path = prefix + name;
            yield return path;
            if (IsSection(prop.PropertyType))
                foreach (var inner in CollectPaths(prop.PropertyType, path + ".")) yield return inner;
        }
    }
}
