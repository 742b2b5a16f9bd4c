using System.Text.Json.Nodes;
using Jepa.Config;
using Jepa.Data;
using Jepa.Models;

namespace Jepa.Export;

/// <summary>
/// The config.json of an export: everything a reader needs to rebuild the network and feed it, with no
/// preset table and no defaults of its own: the whole resolved config (model sizes filled in from the
/// preset; the same snake_case keys and sections as the YAML), the step, and how clips become input.
/// </summary>
public static class ExportConfig
{
    public const string Format = "jepa-export";

    /// <summary>Raised when the layout of config.json or the tensor names change; scripts/reference checks it.</summary>
    public const int FormatVersion = 1;

    public static JsonObject Build(JepaConfig config, long step)
    {
        var resolved = Presets.WithResolvedModel(config);
        var spec = Presets.Resolve(resolved.Model);
        int size = resolved.Data.Size;
        return new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["step"] = step,
            ["input"] = new JsonObject
            {
                // What ClipTensors.ToInput does to decoded rgb24 frames.
                ["layout"] = "[B, T, 3, H, W] float32: T = data.frames, H = W = data.size, RGB",
                ["pixels"] = "uint8 / 255, then (x - mean) / std per channel",
                ["mean"] = new JsonArray(ClipTensors.Mean.Select(v => JsonValue.Create((double)(decimal)v)).ToArray<JsonNode?>()),
                ["std"] = new JsonArray(ClipTensors.Std.Select(v => JsonValue.Create((double)(decimal)v)).ToArray<JsonNode?>()),
            },
            ["tokens"] = new JsonObject
            {
                ["level1"] = Encoders.Level1Tokens(spec, size),
                ["level2"] = Encoders.Level2Tokens(spec, size),
            },
            ["config"] = ToJson(resolved),
        };
    }

    /// <summary>Every key of a config section, named and nested as in the YAML files.</summary>
    public static JsonObject ToJson(object section)
    {
        var node = new JsonObject();
        foreach (var (name, prop) in ConfigSchema.KeysOf(section.GetType()))
        {
            var value = prop.GetValue(section);
            node[name] = value switch
            {
                null => null,
                _ when ConfigSchema.IsSection(prop.PropertyType) => ToJson(value),
                int i => i,
                double d => d,
                bool b => b,
                string s => s,
                _ => throw new InvalidOperationException($"config key '{name}' has type {prop.PropertyType}, which has no JSON form here; add it to ExportConfig.ToJson"),
            };
        }
        return node;
    }
}
