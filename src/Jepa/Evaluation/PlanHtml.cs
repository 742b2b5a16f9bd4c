using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Jepa.Evaluation;

/// <summary>
/// The planning part of report.html (from report.json's <c>plan</c> section and the episode videos
/// <c>jepa eval --task plan</c> leaves beside it), and the names of the files that task writes.
/// </summary>
public static class PlanHtml
{
    /// <summary>Episodes animated in the report.</summary>
    public const int Animated = 4;

    /// <summary>Files eval --task plan writes into the eval folder (--overwrite removes them).</summary>
    public static IReadOnlyList<string> Written => ["plan_episodes.csv", .. Enumerable.Range(0, Animated).Select(Animation)];

    /// <summary>The video of episode <paramref name="i"/>.</summary>
    public static string Animation(int i) => $"plan_episode_{i}.mp4";

    /// <summary>The section's body, or null when the report has no plan results; videos are embedded as data URIs.</summary>
    public static string? Section(string evalDir, JsonObject report)
    {
        if (report["plan"] is not JsonObject plan)
            return null;
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append(c, $"<p>{plan["episodes"]} episode{(Num(plan["episodes"]) == 1 ? "" : "s")} (seed {plan["seed"]}), start and goal in different rooms; success = within {plan["success_radius"]} of the goal within {plan["max_steps"]} actions. Planning time {Num(plan["seconds_per_step"]):F3} s per step{(plan["cpu_seconds_per_step"] is JsonValue cpu ? $" ({Num(cpu):F3} CPU-seconds)" : "")}.</p>");
        if (plan["cem"] is JsonObject cem)
            html.Append(c, $"<p>Search: CEM with {cem["population"]} sequences, {cem["elites"]} elites, {cem["iterations"]} iterations; {cem["horizon"]} imagined frames, each searched action held {cem["action_repeat"] ?? 1} frame(s); cost: the {(cem["cost"]?.ToString() == "min" ? "nearest imagined embedding" : "last imagined embedding")} to the goal's; re-planned every {cem["replan_every"]} actions.</p>");
        html.Append("<table><tr><th>policy</th><th>success</th><th>mean final distance</th></tr>");
        foreach (var (name, prefix) in new[] { ("model (CEM in embedding space)", ""), ("random actions", "random_"), ("straight line", "straight_") })
            html.Append(c, $"<tr><td>{name}</td><td>{Num(plan[prefix + "success_rate"]):P0}</td><td>{Num(plan[prefix + "mean_final_distance"]):F3}</td></tr>");
        html.Append("</table>");
        if (plan["door_on_line_episodes"] is not null)
            html.Append(c, $"<p>The straight line passes through the door in {plan["door_on_line_episodes"]} episode{(Num(plan["door_on_line_episodes"]) == 1 ? "" : "s")}: straight-line success {Num(plan["straight_success_when_door_on_line"]):P0} there, {Num(plan["straight_success_when_door_off_line"]):P0} in the others (walls stop the disc); the model {Num(plan["success_when_door_off_line"]):P0} when the door is off the line.</p>");
        if (plan["animations"] is JsonArray names)
        {
            html.Append("<p>Episodes of the model (the green ring is the goal, dark dots the path so far; the last frame is held a second):</p><div style=\"display:flex;flex-wrap:wrap\">");
            var outcomes = Outcomes(Path.Combine(evalDir, "plan_episodes.csv"));
            int i = 0;
            foreach (var n in names.Select(x => x?.GetValue<string>()).OfType<string>())
            {
                var file = Path.Combine(evalDir, n);
                int index = i++;
                if (!File.Exists(file)) continue;
                html.Append(c, $"<figure style=\"margin:4px\"><video class=\"plan-episode\" title=\"{WebUtility.HtmlEncode(n)}\" width=\"192\" height=\"192\" autoplay loop muted playsinline src=\"data:video/mp4;base64,{Convert.ToBase64String(File.ReadAllBytes(file))}\"></video>");
                html.Append(c, $"<figcaption>{WebUtility.HtmlEncode(outcomes.TryGetValue(index, out var o) ? o : $"episode {index}")}</figcaption></figure>");
            }
            html.Append("</div>");
        }
        return html.ToString();
    }

    // Episode → "episode 3: reached in 12 steps" from plan_episodes.csv (written by the same eval); empty when it is missing.
    private static Dictionary<int, string> Outcomes(string csv)
    {
        var result = new Dictionary<int, string>();
        if (!File.Exists(csv)) return result;
        var lines = File.ReadAllLines(csv);
        if (lines.Length == 0) return result;
        var header = lines[0].Split(',').ToList();
        int ep = header.IndexOf("episode"), ok = header.IndexOf("model_success"), steps = header.IndexOf("model_steps"), dist = header.IndexOf("model_final_distance"), line = header.IndexOf("door_on_line");
        if (new[] { ep, ok, steps, dist }.Any(k => k < 0)) return result;
        foreach (var row in lines.Skip(1).Select(l => l.Split(',')).Where(r => r.Length == header.Count))
        {
            if (!int.TryParse(row[ep], CultureInfo.InvariantCulture, out int e)) continue;
            string where = line >= 0 && row[line] == "0" ? ", door off the line" : "";
            result[e] = row[ok] == "1" ? $"episode {e}: reached in {row[steps]} steps{where}" : $"episode {e}: missed, {row[dist]} away after {row[steps]} steps{where}";
        }
        return result;
    }

    private static double Num(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
}
