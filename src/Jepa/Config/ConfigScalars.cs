using System.Globalization;

namespace Jepa.Config;

/// <summary>
/// Turns the text of one YAML scalar (or the right side of a --set) into the value its key holds.
/// We check types ourselves, before YamlDotNet sees the tree, so that a wrong value gets a message
/// with the key and the line instead of YamlDotNet's "Exception during deserialization".
/// </summary>
internal static class ConfigScalars
{
    /// <summary>Plain YAML scalars that mean "no value" (YAML 1.2 core schema).</summary>
    public static bool IsNullLiteral(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Parses <paramref name="text"/> as a <paramref name="kind"/>; false when it is not one.</summary>
    public static bool TryParse(LeafKind kind, string text, bool isNull, out object? value)
    {
        value = null;
        switch (kind)
        {
            case LeafKind.NullableInt when isNull:
                return true;
            case LeafKind.Int or LeafKind.NullableInt:
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return false;
                value = i;
                return true;
            case LeafKind.Double:
                // NaN and infinities parse but are never a sensible setting; refusing them here keeps
                // every later comparison in the validator meaningful.
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)) return false;
                value = d;
                return true;
            case LeafKind.Bool:
                // YAML 1.1 spellings too: people write yes/no in configs.
                var lower = text.ToLowerInvariant();
                if (lower is "true" or "yes" or "on") value = true;
                else if (lower is "false" or "no" or "off") value = false;
                else return false;
                return true;
            case LeafKind.Text:
                if (isNull) return false;
                value = text;
                return true;
            default:
                return false;
        }
    }

    /// <summary>What a value of this kind looks like, for messages: "a whole number such as 600".</summary>
    public static string Expected(LeafKind kind, string path)
    {
        var example = ConfigSchema.Example(path, kind);
        return kind switch
        {
            LeafKind.Int => $"a whole number such as {example}",
            LeafKind.NullableInt => $"a whole number such as {example} (or null for the preset's value)",
            LeafKind.Double => $"a number such as {example}",
            LeafKind.Bool => "true or false",
            _ => $"text such as '{example}'",
        };
    }

    /// <summary>How a value is shown inside a message: line breaks and tabs escaped, so the message stays one line.</summary>
    public static string Show(string text) => text.Length == 0
        ? "nothing"
        : $"'{text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)}'";
}
