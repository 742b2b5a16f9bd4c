using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace Jepa.Config;

/// <summary>
/// Parses YAML text, turning every way YamlDotNet 18 fails into one <see cref="UsageException"/> naming
/// the file, the line and the problem. YamlDotNet alone is not enough for that: a '[' or '{' left open
/// before more lines makes its scanner throw a bare InvalidOperationException ("Operation is not valid
/// due to the current state of the object"), a line holding only ':' an ArgumentException, an escape
/// past the last code point an ArgumentOutOfRangeException, all without a position; and a tab used
/// for indentation is reported on the line of the enclosing key (or line 1).
/// </summary>
internal static class YamlSyntax
{
    // A config nests three levels (train.loss.level1). YamlDotNet builds nodes recursively, so thousands
    // of nested brackets would overflow the stack, which no catch can turn into a message.
    const int MaxDepth = 32;

    /// <exception cref="UsageException">The text is not well-formed YAML.</exception>
    public static YamlStream Load(string yaml, string source)
    {
        var scanner = new Scanner(new StringReader(yaml));
        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimit(new Parser(scanner), source));
            return stream;
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            var at = e is YamlException y ? y.Start : scanner.CurrentPosition;
            throw new UsageException(Describe(yaml, source, e, at), e);
        }
    }

    // What YamlDotNet throws for bad input: its own exceptions, and from deeper inside it
    // InvalidOperationException and ArgumentException (ArgumentOutOfRangeException for "\UFFFFFFFF").
    static bool IsParseFailure(Exception e) => e is YamlException or InvalidOperationException or ArgumentException;

    static string Describe(string yaml, string source, Exception e, Mark at)
    {
        if (TabIndentedLine(yaml) is { } tab)
            return $"{source} line {tab}: a tab is used for indentation, which YAML does not allow; indent with spaces.";

        var message = e is YamlException ? Clean(e.InnerException?.Message ?? e.Message) : null;
        if (message is not null && message.StartsWith("Duplicate key", StringComparison.Ordinal))
            return $"{source} line {at.Line}: {message.Replace("Duplicate key", "the key", StringComparison.Ordinal)} appears twice in the same section; keep one.";

        // Inside a '[' or '{' YAML reads on across lines, so the line that fails is often well after the
        // bracket that was never closed: name the bracket.
        if (UnclosedFlow(yaml, at.Index) is { } open && open.Line < at.Line)
            return $"{source} line {open.Line}: the '{open.Bracket}' opened here is not closed before line {at.Line}; " +
                   $"close it with '{(open.Bracket == '[' ? ']' : '}')}' on line {open.Line}, or quote the value if the bracket is meant as text.";

        if (e is ArgumentOutOfRangeException) // the only one seen: Char.ConvertFromUtf32 on a "\U…" escape
            return $"{source} line {at.Line}: a double-quoted value holds an escape that is no character (such as \\UFFFFFFFF); fix the escape, or use single quotes to keep the text as written.";
        if (message is not null)
            return $"{source} line {at.Line}: YAML syntax error ({message}); check the indentation and that each key is followed by ': '.";
        if (EmptyKeyLine(yaml) is { } colon)
            return $"{source} line {colon}: a ':' with no key before it; write keys as 'name: value'.";
        return $"{source} line {at.Line}: YAML syntax error; check the indentation, that each key is followed by ': ', and that every '[' and '{{' is closed.";
    }

    /// <summary>The first line whose indentation holds a tab (blank and comment lines aside), 1-based.</summary>
    static int? TabIndentedLine(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var body = lines[i].TrimStart(' ', '\t');
            if (body.TrimEnd('\r').Length == 0 || body.StartsWith('#')) continue;
            if (lines[i].AsSpan(0, lines[i].Length - body.Length).Contains('\t')) return i + 1;
        }
        return null;
    }

    /// <summary>The first '[' or '{' still open at character <paramref name="end"/>, by YamlDotNet's own tokens.</summary>
    static (long Line, char Bracket)? UnclosedFlow(string yaml, long end)
    {
        var open = new Stack<(long Line, char Bracket)>();
        var scanner = new Scanner(new StringReader(yaml[..(int)Math.Clamp(end, 0, yaml.Length)]));
        try
        {
            while (scanner.MoveNext())
            {
                switch (scanner.Current)
                {
                    case FlowSequenceStart t: open.Push((t.Start.Line, '[')); break;
                    case FlowMappingStart t: open.Push((t.Start.Line, '{')); break;
                    case FlowSequenceEnd or FlowMappingEnd when open.Count > 0: open.Pop(); break;
                }
            }
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            // The text before the failure is itself broken: the tokens read so far are all there is to go on.
        }
        return open.Count > 0 ? open.Last() : null; // Last of a stack: the earliest still open
    }

    /// <summary>The first line that starts with ':' (an empty key), 1-based.</summary>
    static int? EmptyKeyLine(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var body = lines[i].Trim();
            if (body == ":" || body.StartsWith(": ", StringComparison.Ordinal)) return i + 1;
        }
        return null;
    }

    // YamlDotNet messages end with a period and sometimes carry the position again; one sentence is ours.
    static string Clean(string message) => message.Trim().TrimEnd('.').Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Passes events through, refusing nesting deeper than <see cref="MaxDepth"/>.</summary>
    sealed class DepthLimit(IParser inner, string source) : IParser
    {
        int depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            if (inner.Current is MappingStart or SequenceStart && ++depth > MaxDepth)
                throw new UsageException($"{source} line {inner.Current.Start.Line}: the YAML nests more than {MaxDepth} levels deep; a config is sections of keys such as 'train:' with 'steps: 50' under it.");
            if (inner.Current is MappingEnd or SequenceEnd) depth--;
            return true;
        }
    }
}
