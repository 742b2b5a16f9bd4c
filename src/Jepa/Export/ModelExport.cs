using System.Globalization;
using System.Text.Json;
using Jepa.Config;
using Jepa.Training;
using static TorchSharp.torch;

namespace Jepa.Export;

/// <summary>What <see cref="ModelExport.Run"/> wrote; <c>LeftOut</c> counts the pixel decoder's tensors it did not.</summary>
public sealed record ExportResult(string ModelPath, string ConfigPath, long Step, int Tensors, long Values, int LeftOut = 0);

/// <summary>
/// <c>jepa export</c>: a checkpoint's whole network (online encoders, EMA target encoders, both
/// predictors; state-dict names as TorchSharp gives them) as model.safetensors, and its resolved config
/// as config.json, for PyTorch (scripts/reference/hjepa.py loads the pair). A <c>train.objective: pixel</c>
/// checkpoint's decoder (<c>pixels.*</c>) is left out: the PyTorch twin has no such module and would
/// refuse the unknown names; its encoders and predictors are exported as for any objective.
/// </summary>
public static class ModelExport
{
    public const string ModelFile = "model.safetensors";
    public const string ConfigFile = "config.json";

    /// <summary>State-dict prefix of the pixel objective's decoder, which the export leaves out.</summary>
    public const string PixelDecoderPrefix = "pixels.";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <exception cref="UsageException">A missing or damaged checkpoint, or an out folder that is a file or already holds files.</exception>
    public static ExportResult Run(string checkpoint, string outDir, bool overwrite)
    {
        if (File.Exists(outDir))
            throw new UsageException($"--out '{outDir}' is a file; pass a folder (it is created when missing).");
        if (!overwrite && Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new UsageException($"--out '{outDir}' is not empty; pass an empty or new folder, or --overwrite to replace its {ModelFile} and {ConfigFile}.");

        var (header, model) = Checkpoint.LoadModel(checkpoint, CPU);
        using (model)
        {
            Directory.CreateDirectory(outDir);
            var all = model.state_dict();
            var tensors = all.Where(kv => !kv.Key.StartsWith(PixelDecoderPrefix, StringComparison.Ordinal)).Select(kv => (kv.Key, kv.Value)).ToList();
            var metadata = new Dictionary<string, string>
            {
                ["format"] = ExportConfig.Format,
                ["format_version"] = ExportConfig.FormatVersion.ToString(CultureInfo.InvariantCulture),
                ["step"] = header.Step.ToString(CultureInfo.InvariantCulture),
            };
            var modelPath = Path.Combine(outDir, ModelFile);
            SafeTensors.Write(modelPath, tensors, metadata);

            var configPath = Path.Combine(outDir, ConfigFile);
            var tmp = configPath + ".tmp";
            File.WriteAllText(tmp, ExportConfig.Build(header.Config, header.Step).ToJsonString(Indented) + "\n");
            File.Move(tmp, configPath, overwrite: true);

            return new ExportResult(modelPath, configPath, header.Step, tensors.Count, tensors.Sum(t => t.Item2.numel()), all.Count - tensors.Count);
        }
    }
}
