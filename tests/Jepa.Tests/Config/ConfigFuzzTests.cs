using Jepa.Config;

namespace Jepa.Tests.Config;

/// <summary>Mangled configs must end in a config or a UsageException, never in a crash.</summary>
public sealed class ConfigFuzzTests : IClassFixture<TempDir>
{
    const int Cases = 400;
    static readonly string[] Junk = ["abc", "-1", "0", "1e400", "~", "[1, 2]", "{a: 1}", "!!str 5", "'x", "\"", "*a", "&a 3", ": :", "\t", "yes", "null"];

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
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.DoesNotContain("Exception", e.Message);
        }
    }

    /// <summary>One to three edits: delete characters, swap two values, replace a value, or add a random key.</summary>
    internal static string Mutate(string yaml, Random rng)
    {
        var edits = rng.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var lines = yaml.Split('\n').ToList();
            switch (rng.Next(4))
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
