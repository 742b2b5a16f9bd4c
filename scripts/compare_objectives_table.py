"""The table of scripts/compare-objectives.sh: OUT/objectives.md, OUT/objectives.json, OUT/rank.svg.

Reads each OUT/runs/NAME: eval/report.json (predict, collapse, voe, probe), metrics.jsonl (clips/s,
losses, effective rank and live directions over training), train_seconds and eval_seconds. With
--both, OUT holds bouncing/ and physics/ (one data set each) and the table puts them side by side.
Standard library only.
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
        "live_over_training": [(r["step"], r["eval_live_share_level1"], r["eval_live_share_level2"])
                               for r in metrics if "eval_live_share_level1" in r],
    }
    for p in report.get("predict", {}).get("levels", []):
        if p["horizon"] == 1:
            row[f"ratio_level{p['level']}"] = p["ratio"]
    for c in report.get("collapse", {}).get("levels", []):
        row[f"rank_level{c['level']}"] = c["effective_rank"]
        row[f"rank_share_level{c['level']}"] = c["effective_rank"] / c["dim"]
        row[f"std_level{c['level']}"] = c["mean_std"]
        if "live_directions" in c:
            row[f"live_share_level{c['level']}"] = c["live_directions"] / c["dim"]
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


def live(r):
    return f"{fmt(r.get('live_share_level1'), '.0%')} / {fmt(r.get('live_share_level2'), '.0%')}"


def markdown(rows, steps, config):
    lines = [f"Config `{config}`, {steps} steps each, same seed, data and schedule.", "",
             "| objective | ratio L1 | ratio L2 | eff. rank L1 (share of dim) | eff. rank L2 | live dirs L1 / L2 (share of dim) | std L1 / L2 | voe rel. acc. (best level:statistic; untrained) | probe acc. (best linear; random enc.) | clips/s | train s | final loss | non-finite |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rank1 = f"{fmt(r.get('rank_level1'), '.1f')} ({fmt(r.get('rank_share_level1'), '.0%')})"
        rank2 = f"{fmt(r.get('rank_level2'), '.1f')} ({fmt(r.get('rank_share_level2'), '.0%')})"
        v = r.get("voe")
        voe = f"{v['relative_accuracy']:.3f} ({v['level']}:{v['statistic']}; {v['untrained_relative_accuracy']:.3f})" if v else "–"
        p = r.get("probe")
        probe = f"{p['accuracy']:.3f} ({p['label']} L{p['level']} {p['features']}; {p['random_encoder_accuracy']:.3f})" if p else "–"
        lines.append(f"| {r['objective']} | {fmt(r.get('ratio_level1'))} | {fmt(r.get('ratio_level2'))} | {rank1} | {rank2} | {live(r)} | {fmt(r.get('std_level1'))} / {fmt(r.get('std_level2'))} | {voe} | {probe} | "
                     f"{fmt(r.get('clips_per_s'), '.1f')} | {fmt(r.get('train_seconds'), 'd')} | {fmt(r.get('final_loss'), '.4g')} | {r['nonfinite_losses'] + r['skipped_steps']} |")
    return "\n".join(lines) + "\n"


COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def svg(panels, path):
    """A grid of line plots, one line per objective. panels: rows of (title, [(name, [(step, share)])])."""
    pw, ph, m = 420, 260, 45
    nrows, ncols = len(panels), max(len(r) for r in panels)
    w, h = ncols * pw + 90, nrows * ph + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>']
    names = []
    for i, row in enumerate(panels):
        for j, (title, series) in enumerate(row):
            x0, y0 = j * pw, i * ph
            last = max((st for _, pts in series for st, _ in pts), default=1) or 1
            parts += [f'<text x="{x0 + pw / 2}" y="{y0 + 16}" text-anchor="middle">{title}</text>',
                      f'<line x1="{x0 + m}" y1="{y0 + ph - m}" x2="{x0 + pw - 10}" y2="{y0 + ph - m}" stroke="black"/>',
                      f'<line x1="{x0 + m}" y1="{y0 + 25}" x2="{x0 + m}" y2="{y0 + ph - m}" stroke="black"/>',
                      f'<text x="{x0 + pw / 2}" y="{y0 + ph - m + 28}" text-anchor="middle">step (0 to {last})</text>']
            plot_h = ph - m - 25
            for tick in (0, 0.25, 0.5, 0.75, 1.0):
                y = y0 + ph - m - tick * plot_h
                parts.append(f'<text x="{x0 + m - 4}" y="{y + 4}" text-anchor="end">{tick:.0%}</text>')
                parts.append(f'<line x1="{x0 + m}" y1="{y}" x2="{x0 + pw - 10}" y2="{y}" stroke="#ddd"/>')
            for k, (name, pts) in enumerate(series):
                if name not in names:
                    names.append(name)
                c = COLOURS[names.index(name) % len(COLOURS)]
                line = " ".join(f"{x0 + m + st / last * (pw - m - 10):.1f},{y0 + ph - m - min(1, max(0, v)) * plot_h:.1f}" for st, v in pts)
                if line:
                    parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{line}"/>')
    for k, name in enumerate(names):
        parts.append(f'<text x="{ncols * pw + 5}" y="{30 + 15 * k}" fill="{COLOURS[k % len(COLOURS)]}">{name}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def panels_for(rows, label):
    return [(f"{label}effective rank L1, share of dim", [(r["objective"], [(s, a) for s, a, _ in r["rank_over_training"]]) for r in rows]),
            (f"{label}live directions L1 (std >= 0.05), share of dim", [(r["objective"], [(s, a) for s, a, _ in r["live_over_training"]]) for r in rows])]


def both_markdown(b, p, steps, batch):
    lines = [f"{steps} steps of {batch} clips per objective and data set ({steps * batch} clips), seed 0, same schedule.", "",
             "| objective | bouncing ratio L1 | eff. rank L1 / L2 | live dirs L1 / L2 | std L1 | speed probe, best linear (level features; random enc.) | clips/s | physics ratio L1 | eff. rank L1 / L2 | live dirs L1 / L2 | std L1 | voe rel. acc. (level:statistic; untrained) | clips/s | non-finite |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for rb, rp in zip(b, p):
        pr = rb.get("probe")
        probe = f"{pr['accuracy']:.3f} (L{pr['level']} {pr['features']}; {pr['random_encoder_accuracy']:.3f})" if pr else "–"
        v = rp.get("voe")
        voe = f"{v['relative_accuracy']:.3f} ({v['level']}:{v['statistic']}; {v['untrained_relative_accuracy']:.3f})" if v else "–"
        ranks = lambda r: f"{fmt(r.get('rank_share_level1'), '.0%')} / {fmt(r.get('rank_share_level2'), '.0%')}"
        bad = rb["nonfinite_losses"] + rb["skipped_steps"] + rp["nonfinite_losses"] + rp["skipped_steps"]
        lines.append(f"| {rb['objective']} | {fmt(rb.get('ratio_level1'))} | {ranks(rb)} | {live(rb)} | {fmt(rb.get('std_level1'))} | {probe} | {fmt(rb.get('clips_per_s'), '.1f')} | "
                     f"{fmt(rp.get('ratio_level1'))} | {ranks(rp)} | {live(rp)} | {fmt(rp.get('std_level1'))} | {voe} | {fmt(rp.get('clips_per_s'), '.1f')} | {bad} |")
    return "\n".join(lines) + "\n"


def main():
    if sys.argv[1] == "--both":
        out, steps, batch, names = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
        b = [summarise(os.path.join(out, "bouncing"), n) for n in names]
        p = [summarise(os.path.join(out, "physics"), n) for n in names]
        with open(os.path.join(out, "objectives.json"), "w") as f:
            json.dump({"steps": steps, "batch_size": batch, "bouncing": b, "physics": p}, f, indent=1)
        table = both_markdown(b, p, steps, batch)
        with open(os.path.join(out, "objectives.md"), "w") as f:
            f.write(table)
        svg([panels_for(b, "bouncing: "), panels_for(p, "physics: ")], os.path.join(out, "rank.svg"))
        print(table)
        print(f"written: {out}/objectives.md, {out}/objectives.json, {out}/rank.svg")
        return
    out, steps, config, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    rows = [summarise(out, n) for n in names]
    with open(os.path.join(out, "objectives.json"), "w") as f:
        json.dump({"config": config, "steps": steps, "objectives": rows}, f, indent=1)
    table = markdown(rows, steps, config)
    with open(os.path.join(out, "objectives.md"), "w") as f:
        f.write(table)
    svg([panels_for(rows, "")], os.path.join(out, "rank.svg"))
    print(table)
    print(f"written: {out}/objectives.md, {out}/objectives.json, {out}/rank.svg")


if __name__ == "__main__":
    main()
