using System.Text.Json.Serialization;

namespace Jepa.Evaluation.Pictures;

/// <summary>A picture an evaluator wrote beside report.json, as the report lists it: the page embeds the file.</summary>
public sealed record ReportPicture(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("caption")] string Caption);

/// <summary>The file names of every picture an eval can write (what <c>--overwrite</c> removes).</summary>
public static class PictureFiles
{
    public const string PcaMaps = "pca_maps.png", PcaAnimation = "pca_animation.png", Retrievals = "retrievals.png",
        SurpriseMaps = "surprise_maps.png", SurpriseAnimation = "surprise_animation.png";

    public static IReadOnlyList<string> All => [PcaMaps, PcaAnimation, Retrievals, SurpriseMaps, SurpriseAnimation];
}
