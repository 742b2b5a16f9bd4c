using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Jepa.Config;

/// <summary>
/// Builds a <see cref="JepaConfig"/> from three layers: the record defaults, then a YAML file (a short
/// diff of the defaults), then each <c>--set key=value</c> in order. Keys are snake_case; unknown keys,
/// wrong types and bad syntax are <see cref="UsageException"/>s naming the file, line and key.
/// </summary>
public static class ConfigLoader
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build(); // no IgnoreUnmatchedProperties: an unknown key is an error (STYLE #2)

    static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull) // a null model size means "from the preset"
        .Build();

    /// <summary>
    /// Defaults, overridden by the file at <paramref name="path"/> (none when null), overridden by each
    /// entry of <paramref name="sets"/> ("train.steps=50"); the result is validated. Relative data paths
    /// in the file start at the file's folder (<see cref="ConfigPaths"/>).
    /// </summary>
    /// <exception cref="UsageException">Missing file, bad YAML, unknown key, wrong type, or an impossible value.</exception>
    public static JepaConfig Load(string? path, IReadOnlyList<string> sets)
    {
        var (config, source) = Parse(path, sets);
        ConfigValidator.Validate(config, source);
        return config;
    }

    /// <summary>
    /// As <see cref="Load(string?, IReadOnlyList{string})"/> without the validation, with a name for the
    /// layers in messages: for reading one key (the run name, say) before the config to use is known.
    /// </summary>
    public static (JepaConfig Config, string Source) Parse(string? path, IReadOnlyList<string> sets)
    {
        var overrides = path is null ? new Overrides() : ConfigTree.Read(ReadFile(path), path);
        if (path is not null) ConfigPaths.AnchorFileValues(overrides, path);
        foreach (var set in sets) ConfigSets.Apply(overrides, set);

        var source = (path, sets.Count) switch
        {
            (null, 0) => "the built-in defaults",
            (null, _) => "--set",
            (_, 0) => path,
            _ => $"{path} with --set",
        };
        return (Build(overrides, source), source);
    }

    /// <summary>
    /// Like <see cref="Load(string?, IReadOnlyList{string})"/> with YAML text in place of a file (a config
    /// embedded in a checkpoint, say), then each of <paramref name="sets"/>; validated.
    /// </summary>
    public static JepaConfig LoadText(string yaml, string sourceName, IReadOnlyList<string> sets)
    {
        var overrides = ConfigTree.Read(yaml, sourceName);
        foreach (var set in sets) ConfigSets.Apply(overrides, set);
        var source = sets.Count == 0 ? sourceName : $"{sourceName} with --set";
        var config = Build(overrides, source);
        ConfigValidator.Validate(config, source);
        return config;
    }

    /// <summary>Parses a config from YAML text (not validated); <paramref name="sourceName"/> names it in messages.</summary>
    /// <exception cref="UsageException">Bad YAML, unknown key or wrong type.</exception>
    public static JepaConfig FromYaml(string yaml, string sourceName) => Build(ConfigTree.Read(yaml, sourceName), sourceName);

    /// <summary>
    /// Every key of <paramref name="config"/> as snake_case YAML that <see cref="FromYaml"/> reads back equal.
    /// Null model sizes are left out (absent means "from the preset"); use
    /// <see cref="Presets.WithResolvedModel"/> first to write the numbers a run actually used.
    /// </summary>
    public static string ToYaml(JepaConfig config) => Serializer.Serialize(config);

    static string ReadFile(string path)
    {
        if (Directory.Exists(path))
            throw new UsageException($"config file '{path}' is a folder; pass a path to a YAML file such as configs/quickstart.yaml.");
        if (!File.Exists(path))
            throw new UsageException($"config file '{path}' does not exist; pass a path to a YAML file such as configs/quickstart.yaml.");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"config file '{path}' cannot be read ({e.Message.TrimEnd('.')}); check its permissions.", e);
        }
    }

    static JepaConfig Build(Overrides overrides, string source)
    {
        // The tree was checked key by key already; serialising it canonically and letting YamlDotNet map
        // it onto the records keeps one authority for names. A failure here is a gap in our checks,
        // still reported as a usage error rather than a crash.
        var text = new StringWriter();
        new YamlStream(new YamlDocument(ConfigTree.ToNode(overrides))).Save(text, assignAnchors: false);
        try
        {
            return Deserializer.Deserialize<JepaConfig?>(text.ToString()) ?? new JepaConfig();
        }
        catch (YamlException e)
        {
            throw new UsageException($"{source}: the config could not be read ({(e.InnerException ?? e).Message.TrimEnd('.')}); check the values against configs/quickstart.yaml.", e);
        }
    }
}
