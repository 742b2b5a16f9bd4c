using Jepa.Config;

namespace Jepa.Tests.Config;

/// <summary>Malformed YAML is a usage error on the line where the mistake is, whatever YamlDotNet throws.</summary>
public sealed class YamlSyntaxTests : IClassFixture<TempDir>
{
    readonly TempDir _dir;

    public YamlSyntaxTests(TempDir dir) => _dir = dir;

    [Theory]
    // YamlDotNet says line 1 for the first and line 3 for the second; the tabs are on lines 3 and 4.
    [InlineData("name: x\ndata:\n\tframes: 8\n  size: 64\n", "line 3: a tab is used for indentation, which YAML does not allow; indent with spaces.")]
    [InlineData("name: x\ndata:\n  frames: 8\n\tsize: 64\nmodel:\n  dim: 96\n", "line 4: a tab is used for indentation")]
    // Each of these threw YamlDotNet's bare InvalidOperationException ("Operation is not valid …").
    [InlineData("name: x\n{\ndata:\n  frames: 8\n", "line 2: the '{' opened here is not closed before line 3; close it with '}' on line 2")]
    [InlineData("name: [unclosed\ndata:\n  frames: 8\n", "line 1: the '[' opened here is not closed before line 2")]
    [InlineData("name: x\ndata:\n  frames: [8\n  size: 64\nmodel:\n  dim: 96\n", "line 3: the '[' opened here is not closed")]
    [InlineData("name: x\n[\ndata:\n  frames: 8\n", "line 2: the '[' opened here")]
    [InlineData("name: x\ndata: {frames: 8\n  size: 64\nmodel:\n  dim: 96\n", "line 2: the '{' opened here")]
    // An ArgumentException from YamlDotNet, reported at the end of the file.
    [InlineData("name: x\ndata:\n  frames: 8\n:\ntrain:\n  steps: 3\n", "line 4: a ':' with no key before it")]
    // "The scanner should contain no more tokens", another InvalidOperationException.
    [InlineData("# a\n# b[c, {d\n...\nname: x\n", "YAML syntax error")]
    // An ArgumentOutOfRangeException from YamlDotNet's escape decoding.
    [InlineData("name: x\ndata:\n  train: \"\\UFFFFFFFF\"\n", "line 3: a double-quoted value holds an escape that is no character")]
    public void Malformed_yaml_names_the_file_the_line_and_the_problem(string yaml, string expected)
    {
        var path = _dir.Write(yaml, "bad.yaml");
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(path, []));
        Assert.StartsWith(path + " line ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("Operation is not valid", e.Message);
        Assert.DoesNotContain("Exception", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_tab_after_a_key_is_not_indentation_and_loads()
    {
        var path = _dir.Write("data:\n  frames:\t16\n", "tab-after.yaml");
        Assert.Equal(16, ConfigLoader.Load(path, []).Data.Frames);
    }

    [Fact]
    public void Brackets_nested_thousands_deep_are_a_usage_error_not_a_stack_overflow()
    {
        var path = _dir.Write("name: " + new string('[', 100_000) + new string(']', 100_000) + "\n", "deep.yaml");
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(path, []));
        Assert.StartsWith(path + " line 1: the YAML nests more than 32 levels deep", e.Message);
    }
}
