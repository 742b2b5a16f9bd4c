"""The table of scripts/compare-objectives.sh: OUT/objectives.md, OUT/objectives.json, OUT/rank.svg.

Reads each OUT/runs/NAME: eval/report.json (predict, collapse, voe, probe), metrics.jsonl (clips/s,
losses, effective rank over training), train_seconds and eval_seconds. Standard library only.
"""
import json
import math
import os
import sys


def read_metrics(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    return rows


def number(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def summarise(out, name):
    run = os.path.join(out, "runs", name)
    with open(os.path.join(run, "eval", "report.json")) as f:
        report = json.load(f)
    metrics = read_metrics(os.path.join(run, "metrics.jsonl"))
    losses = [r["loss"] for r in metrics if "loss" in r]
    speeds = [r["clips_per_s"] for r in metrics if "clips_per_s" in r]
    row = {
        "objective": name,
        "step": report.get("checkpoint", {}).get("step"),
        "final_loss": losses[-1] if losses else None,
        "nonfinite_losses": sum(1 for l in losses if l is None or not math.isfinite(l)),
        "skipped_steps": max((r.get("skipped_steps", 0) for r in metrics), default=0),
        "clips_per_s": sum(speeds) / len(speeds) if speeds else None,
        "train_seconds": number(os.path.join(run, "train_seconds")),
        "eval_seconds": number(os.path.join(run, "eval_seconds")),
        "rank_over_training": [(r["step"], r["eval_rank_share_level1"], r["eval_rank_share_level2"])
                               for r in metrics if "eval_rank_share_level1" in r],
    }
    for p in report.get("predict", {}).get("levels", []):
        if p["horizon"] == 1:
            row[f"ratio_level{p['level']}"] = p["ratio"]
    for c in report.get("collapse", {}).get("levels", []):
        row[f"rank_level{c['level']}"] = c["effective_rank"]
        row[f"rank_share_level{c['level']}"] = c["effective_rank"] / c["dim"]
        row[f"std_level{c['level']}"] = c["mean_std"]
        row["dim"] = c["dim"]
    voe = report.get("voe")
    if voe:
        best = voe["best"]
        row["voe"] = {"relative_accuracy": best["relative_accuracy"], "auroc": best["auroc"], "level": best["level"],
                      "statistic": best["statistic"], "untrained_relative_accuracy": best["untrained_relative_accuracy"],
                      "pixel_relative_accuracy": best["pixel_relative_accuracy"]}
    probe = report.get("probe")
    if probe:
        linear = [p for p in probe["labels"] if p["probe"] == "linear"]
        if linear:
            best = max(linear, key=lambda p: p["accuracy"])
            row["probe"] = {k: best[k] for k in ("label", "level", "features", "accuracy", "random_encoder_accuracy", "chance")}
    return row


def fmt(x, spec=".3f"):
    return "–" if x is None else format(x, spec)


def markdown(rows, steps, config):
    lines = [f"Config `{config}`, {steps} steps each, same seed, data and schedule.", "",
             "| objective | ratio L1 | ratio L2 | eff. rank L1 (share of dim) | eff. rank L2 | std L1 / L2 | voe rel. acc. (best level:statistic; untrained) | probe acc. (best linear; random enc.) | clips/s | train s | final loss | non-finite |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rank1 = f"{fmt(r.get('rank_level1'), '.1f')} ({fmt(r.get('rank_share_level1'), '.0%')})"
        rank2 = f"{fmt(r.get('rank_level2'), '.1f')} ({fmt(r.get('rank_share_level2'), '.0%')})"
        v = r.get("voe")
        voe = f"{v['relative_accuracy']:.3f} ({v['level']}:{v['statistic']}; {v['untrained_relative_accuracy']:.3f})" if v else "–"
        p = r.get("probe")
        probe = f"{p['accuracy']:.3f} ({p['label']} L{p['level']} {p['features']}; {p['random_encoder_accuracy']:.3f})" if p else "–"
        lines.append(f"| {r['objective']} | {fmt(r.get('ratio_level1'))} | {fmt(r.get('ratio_level2'))} | {rank1} | {rank2} | {fmt(r.get('std_level1'))} / {fmt(r.get('std_level2'))} | {voe} | {probe} | "
                     f"{fmt(r.get('clips_per_s'), '.1f')} | {fmt(r.get('train_seconds'), 'd')} | {fmt(r.get('final_loss'), '.4g')} | {r['nonfinite_losses'] + r['skipped_steps']} |")
    return "\n".join(lines) + "\n"


def svg(rows, path):
    """Effective rank (share of dim, level 1) over training, one line per objective."""
    w, h, m = 640, 360, 50
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    last = max((s for r in rows for s, _, _ in r["rank_over_training"]), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="20" text-anchor="middle">Effective rank of level-1 embeddings, share of dim</text>',
             f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/>',
             f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>',
             f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle">step (0 to {last})</text>']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = h - m - tick * (h - 2 * m)
        parts.append(f'<text x="{m - 5}" y="{y + 4}" text-anchor="end">{tick:.0%}</text>')
        parts.append(f'<line x1="{m}" y1="{y}" x2="{w - m}" y2="{y}" stroke="#ddd"/>')
    for i, r in enumerate(rows):
        pts = " ".join(f"{m + s / last * (w - 2 * m):.1f},{h - m - min(1, share) * (h - 2 * m):.1f}" for s, share, _ in r["rank_over_training"])
        c = colours[i % len(colours)]
        if pts:
            parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{pts}"/>')
        parts.append(f'<text x="{w - m + 5}" y="{m + 15 * i}" fill="{c}">{r["objective"]}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    out, steps, config, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    rows = [summarise(out, n) for n in names]
    with open(os.path.join(out, "objectives.json"), "w") as f:
        json.dump({"config": config, "steps": steps, "objectives": rows}, f, indent=1)
    table = markdown(rows, steps, config)
    with open(os.path.join(out, "objectives.md"), "w") as f:
        f.write(table)
    svg(rows, os.path.join(out, "rank.svg"))
    print(table)
    print(f"written: {out}/objectives.md, {out}/objectives.json, {out}/rank.svg")


if __name__ == "__main__":
    main()
