using YamlDotNet.Serialization.NamingConventions;

namespace Jepa.Config;

/// <summary>The YAML spelling of a config property, for messages outside this folder.</summary>
public static class ConfigNames
{
    /// <summary>PredictorDim → predictor_dim, the same convention the loader uses.</summary>
    public static string Snake(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);
}
