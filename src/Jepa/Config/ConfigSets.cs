namespace Jepa.Config;

/// <summary>Applies one <c>--set a.b=value</c> on top of the file's overrides, checking key and type first.</summary>
internal static class ConfigSets
{
    public static void Apply(Overrides overrides, string set)
    {
        var eq = set.IndexOf('=');
        var key = eq < 0 ? "" : set[..eq].Trim();
        if (key.Length == 0)
            throw new UsageException($"--set '{set}' needs the form key=value, such as --set train.steps=50.");
        var text = set[(eq + 1)..].Trim();
        var parts = key.Split('.');

        var section = typeof(JepaConfig);
        var node = overrides;
        for (var i = 0; i < parts.Length; i++)
        {
            var path = string.Join('.', parts[..(i + 1)]);
            if (!ConfigSchema.KeysOf(section).TryGetValue(parts[i], out var prop))
            {
                var full = i == parts.Length - 1 ? path : key;
                throw new UsageException($"--set '{set}': {ConfigTree.UnknownKey(ConfigSchema.Suggest(full) is null ? path : full)}");
            }

            var isLast = i == parts.Length - 1;
            if (ConfigSchema.IsSection(prop.PropertyType))
            {
                if (isLast)
                    throw new UsageException($"--set '{set}': '{key}' is a section, not a value; set one of its keys, such as --set {ConfigSchema.AllPaths.First(p => p.StartsWith(key + ".", StringComparison.Ordinal))}=….");
                if (!node.TryGetValue(parts[i], out var inner) || inner is not Overrides innerNode)
                {
                    innerNode = new Overrides();
                    node[parts[i]] = innerNode;
                }
                node = innerNode;
                section = prop.PropertyType;
                continue;
            }

            if (!isLast)
                throw new UsageException($"--set '{set}': '{path}' is a single value with no keys under it; use --set {path}=….");
            var kind = ConfigSchema.KindOf(prop.PropertyType);
            // A --set value is taken as written: no quoting needed (or possible) for paths with odd characters.
            var isNull = kind == LeafKind.NullableInt && ConfigScalars.IsNullLiteral(text);
            if (!ConfigScalars.TryParse(kind, text, isNull, out var value))
                throw new UsageException($"--set '{set}': '{key}' must be {ConfigScalars.Expected(kind, key)}, got {ConfigScalars.Show(text)}.");
            node[parts[i]] = value;
        }
    }
}
