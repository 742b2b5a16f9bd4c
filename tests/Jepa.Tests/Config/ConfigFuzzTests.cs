using System.Text.RegularExpressions;
using Jepa.Config;

namespace Jepa.Tests.Config;

/// <summary>Mangled configs must end in a config or a UsageException, never in a crash.</summary>
public sealed class ConfigFuzzTests : IClassFixture<TempDir>
{
    const int Cases = 400;
    static readonly string[] Junk = ["abc", "-1", "0", "1e400", "~", "[1, 2]", "{a: 1}", "!!str 5", "'x", "\"", "*a", "&a 3", ": :", "\t", "yes", "null", "\"\\UFFFFFFFF\""];

    // Structure that YamlDotNet 18 trips over without a message of its own: unclosed flow collections
    // followed by more lines, a lone ':', a document end marker before the content.
    static readonly string[] Lone = ["{", "[", "}", "]", "[a", "{a: [1", "[a, {b", "{a: 1}", "[1, 2]", ":", ": x", "? x", "- x", "...", "---", "&a", "*b", "|", ">"];

    readonly TempDir _dir;

    public ConfigFuzzTests(TempDir dir) => _dir = dir;

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 0; seed < Cases; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_mutated_quickstart_loads_or_is_a_usage_error(int seed)
    {
        var yaml = Mutate(File.ReadAllText(Path.Combine(RepoPaths.Configs, "quickstart.yaml")), new Random(seed));
        var path = _dir.Write(yaml, $"fuzz-{seed}.yaml");
        try
        {
            ConfigLoader.Load(path, []);
        }
        catch (UsageException e)
        {
            // The message is the whole story the user gets: say it when it falls short.
            var m = e.Message;
            Assert.True(m.StartsWith(path, StringComparison.Ordinal), m);
            Assert.False(m.Contains("Exception", StringComparison.Ordinal) || m.Contains("Operation is not valid", StringComparison.Ordinal), m);
            Assert.False(m.Contains('\n'), m);
            // A parse failure (YamlDotNet's exception inside) must say on which line.
            if (e.InnerException is not null) Assert.Matches("^" + Regex.Escape(path) + @" line \d+: ", m);
        }
    }

    /// <summary>
    /// One to three edits: delete characters, swap two values, replace a value, add a random key, add a
    /// line of bare YAML structure or a bracket inside a line, or indent a line with a tab.
    /// </summary>
    internal static string Mutate(string yaml, Random rng)
    {
        var edits = rng.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var lines = yaml.Split('\n').ToList();
            switch (rng.Next(7))
            {
                case 0: // delete a run of characters anywhere
                    var at = rng.Next(yaml.Length);
                    yaml = yaml.Remove(at, Math.Min(rng.Next(1, 6), yaml.Length - at));
                    continue;
                case 1: // swap the values of two keys
                    var valued = Enumerable.Range(0, lines.Count).Where(i => ValueStart(lines[i]) > 0).ToList();
                    if (valued.Count < 2) continue;
                    var (a, b) = (valued[rng.Next(valued.Count)], valued[rng.Next(valued.Count)]);
                    var (va, vb) = (lines[a][ValueStart(lines[a])..], lines[b][ValueStart(lines[b])..]);
                    lines[a] = lines[a][..ValueStart(lines[a])] + vb;
                    lines[b] = lines[b][..ValueStart(lines[b])] + va;
                    break;
                case 2: // replace a value with junk
                    var i = rng.Next(lines.Count);
                    var start = ValueStart(lines[i]);
                    if (start > 0) lines[i] = lines[i][..start] + Junk[rng.Next(Junk.Length)];
                    break;
                case 4: // a line holding only structure: a lone brace, an unclosed list, a ':'
                    lines.Insert(rng.Next(lines.Count + 1), new string(' ', 2 * rng.Next(3)) + Lone[rng.Next(Lone.Length)]);
                    break;
                case 5: // a bracket or brace inside a line
                    var j = rng.Next(lines.Count);
                    lines[j] = lines[j].Insert(rng.Next(lines[j].Length + 1), "[{]}"[rng.Next(4)].ToString());
                    break;
                case 6: // a tab in place of (or inside) a line's indentation
                    var k = rng.Next(lines.Count);
                    lines[k] = (rng.Next(2) == 0 ? "\t" : "  \t") + lines[k].TrimStart();
                    break;
                default: // insert a random key at a random place and indentation
                    var key = new string(Enumerable.Range(0, rng.Next(1, 8)).Select(_ => (char)rng.Next('a', 'z' + 1)).ToArray());
                    lines.Insert(rng.Next(lines.Count + 1), new string(' ', 2 * rng.Next(3)) + key + ": " + Junk[rng.Next(Junk.Length)]);
                    break;
            }
            yaml = string.Join('\n', lines);
        }
        return yaml;
    }

    static int ValueStart(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 || line.TrimStart().StartsWith('#') ? -1 : colon + 2;
    }
}
