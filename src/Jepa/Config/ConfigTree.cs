using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Jepa.Config;

/// <summary>
/// The keys a config file or --set changes, checked against the records: nested sections are
/// <see cref="Overrides"/>, leaves are already-typed values (int, int?, double, bool, string).
/// Absent keys are simply not here, so the record defaults stay for them.
/// </summary>
internal sealed class Overrides : Dictionary<string, object?>
{
    public Overrides() : base(StringComparer.Ordinal) { }
}

/// <summary>Reads a YAML text into checked <see cref="Overrides"/>, and writes overrides back as YAML.</summary>
internal static class ConfigTree
{
    /// <summary>Parses and checks a whole file; every problem is a <see cref="UsageException"/> naming line and key.</summary>
    public static Overrides Read(string yaml, string source)
    {
        var stream = YamlSyntax.Load(yaml, source);
        var result = new Overrides();
        if (stream.Documents.Count == 0) return result; // an empty file, or only comments: all defaults
        if (stream.Documents.Count > 1)
            throw new UsageException($"{source} holds {stream.Documents.Count} YAML documents; keep one (remove the extra '---' lines).");

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Style: ScalarStyle.Plain } s && ConfigScalars.IsNullLiteral(s.Value ?? "")) return result;
        if (root is not YamlMappingNode mapping)
            throw new UsageException($"{source} line {root.Start.Line}: the file must be a mapping of keys such as 'train:' and 'model:', not a single value or a list.");
        ReadSection(mapping, typeof(JepaConfig), "", result, source);
        return result;
    }

    static void ReadSection(YamlMappingNode mapping, Type section, string prefix, Overrides into, string source)
    {
        var keys = ConfigSchema.KeysOf(section);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var line = keyNode.Start.Line;
            if (keyNode is not YamlScalarNode { Value: { } name })
                throw new UsageException($"{source} line {line}: a key under '{Trim(prefix)}' is not a plain name; write keys as 'name: value'.");
            var path = prefix + name;
            if (!keys.TryGetValue(name, out var prop))
                throw new UsageException($"{source} line {line}: {UnknownKey(path)}");

            if (ConfigSchema.IsSection(prop.PropertyType))
            {
                var inner = new Overrides();
                into[name] = inner;
                if (valueNode is YamlMappingNode innerMap) ReadSection(innerMap, prop.PropertyType, path + ".", inner, source);
                else if (!IsNull(valueNode)) // "train:" with nothing under it keeps the defaults
                    throw new UsageException($"{source} line {line}: '{path}' is a section, not a value; put its keys under it, indented, such as '{ConfigSchema.AllPaths.First(p => p.StartsWith(path + ".", StringComparison.Ordinal))}'.");
                continue;
            }

            var kind = ConfigSchema.KindOf(prop.PropertyType);
            if (valueNode is not YamlScalarNode scalar)
                throw new UsageException($"{source} line {line}: '{path}' must be {ConfigScalars.Expected(kind, path)}, not a list or a section.");
            var text = scalar.Value ?? "";
            if (!ConfigScalars.TryParse(kind, text, IsNull(scalar), out var value))
                throw new UsageException($"{source} line {line}: '{path}' must be {ConfigScalars.Expected(kind, path)}, got {ConfigScalars.Show(text)}.");
            into[name] = value;
        }
    }

    /// <summary>"unknown key 'train.stpes'; did you mean 'train.steps'?" (the suggestion only when one is close).</summary>
    public static string UnknownKey(string path)
    {
        var suggestion = ConfigSchema.Suggest(path);
        if (suggestion is not null) return $"unknown key '{path}'; did you mean '{suggestion}'?";
        var parent = path.Contains('.') ? path[..path.LastIndexOf('.')] : "";
        var siblings = ConfigSchema.AllPaths.Where(p => p.StartsWith(parent.Length == 0 ? "" : parent + ".", StringComparison.Ordinal)
                                                        && p.Count(c => c == '.') == path.Count(c => c == '.'));
        return $"unknown key '{path}'; the keys here are {string.Join(", ", siblings)}.";
    }

    /// <summary>The overrides as a YAML mapping of canonical scalars, ready for the deserializer.</summary>
    public static YamlMappingNode ToNode(Overrides overrides)
    {
        var node = new YamlMappingNode();
        foreach (var (name, value) in overrides)
        {
            node.Add(new YamlScalarNode(name), value switch
            {
                Overrides inner => ToNode(inner),
                null => new YamlScalarNode("~") { Style = ScalarStyle.Plain },
                string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
                bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
                double d => new YamlScalarNode(d.ToString("R", CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
                int i => new YamlScalarNode(i.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
                _ => throw new InvalidOperationException($"unexpected override value {value.GetType()} at '{name}'"),
            });
        }
        return node;
    }

    static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && ConfigScalars.IsNullLiteral(s.Value ?? "");

    static string Trim(string prefix) => prefix.Length == 0 ? "the top level" : prefix.TrimEnd('.');
}
