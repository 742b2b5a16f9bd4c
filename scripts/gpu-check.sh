#!/usr/bin/env bash
# The GPU check: one prepared script for a machine with a GPU (or, with --device cpu, a dry run anywhere).
# It writes OUT/summary.json and OUT/summary.md with:
#   - jepa doctor;
#   - jepa bench train for the tiny, small and base presets in fp32, tf32 and bf16 (steps/s, clips/s, MFU,
#     peak memory), each beside the PyTorch twin's bench (scripts/reference/bench.py) on the same card;
#   - a short real training run in bf16 beside the same run in fp32 (losses side by side).
#
#   bash scripts/gpu-check.sh [--device cuda|cuda:N|cpu] [--out DIR] [--jepa CMD] [--python PY] [--quick]
#
# --jepa: how to run jepa (default: bash scripts/jepa.sh, after `dotnet build -c Release src/Jepa.Cli
#   -p:TorchBackend=cuda` on a workstation; on a machine without .NET, the self-contained publish, e.g.
#   --jepa publish/jepa — see the README's GPU section for building its native glue there).
# --python: the Python with torch for the twin (default: python3). Without torch the twin's rows say so.
# --quick: tiny shapes and a few steps of each (what CI runs with --device cpu).
set -uo pipefail
cd "$(dirname "$0")/.."

device=cuda out=gpu-check jepa_cmd="bash scripts/jepa.sh" python=python3 quick=0
while [ $# -gt 0 ]; do
    case "$1" in
        --device) device=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --jepa) jepa_cmd=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --quick) quick=1; shift ;;
        *) echo "gpu-check: unknown argument '$1'; see the comment at the top of $0" >&2; exit 2 ;;
    esac
done
mkdir -p "$out" || { echo "gpu-check: cannot create --out $out" >&2; exit 2; }
out=$(cd "$out" && pwd)
jepa() { $jepa_cmd "$@"; }

echo "== jepa doctor"
jepa doctor > "$out/doctor.txt" 2>&1; echo "$?" > "$out/doctor.rc"
cat "$out/doctor.txt"

# What is measured: presets on their configs, the precisions, the steps.
if [ "$quick" = 1 ]; then
    presets=(tiny); precisions=(fp32 bf16); steps=2; warmup=1; train_steps=4
    shape=(--set data.size=32 --set data.frames=4 --set train.batch_size=2); videos=(--train 4 --val 2 --seconds 1)
else
    presets=(tiny small base); precisions=(fp32 tf32 bf16); steps=30; warmup=5; train_steps=300
    shape=(); videos=(--train 64 --val 16)
fi
config_of() { case "$1" in tiny) echo configs/quickstart.yaml ;; *) echo configs/base.yaml ;; esac; }

twin_ok=0
if [ -f scripts/reference/bench.py ] && "$python" -c 'import torch, yaml' 2>/dev/null; then twin_ok=1; fi
[ "$twin_ok" = 1 ] || echo "gpu-check: the twin is not run ($python lacks torch or PyYAML, or scripts/reference/bench.py is missing)" | tee "$out/twin-missing.txt"

for p in "${presets[@]}"; do
    for x in "${precisions[@]}"; do
        args=(--config "$(config_of "$p")" --set "model.preset=$p" --set "train.precision=$x" --set train.device="$device" "${shape[@]}" --steps "$steps" --warmup "$warmup")
        echo "== bench train: $p $x"
        jepa bench train "${args[@]}" --json > "$out/jepa-$p-$x.json" 2> "$out/jepa-$p-$x.err" || echo "   jepa failed: $(tail -n 1 "$out/jepa-$p-$x.err")"
        if [ "$twin_ok" = 1 ]; then
            "$python" scripts/reference/bench.py "${args[@]}" --json > "$out/twin-$p-$x.json" 2> "$out/twin-$p-$x.err" || echo "   twin failed: $(tail -n 1 "$out/twin-$p-$x.err")"
        fi
    done
done

echo "== a short training run in fp32 and in bf16"
data="$out/bouncing"
[ -f "$data/manifest.csv" ] || jepa synth --kind bouncing --out "$data" "${videos[@]}" > "$out/synth.log" 2>&1
for x in fp32 bf16; do
    jepa train --run-dir "$out/run-$x" --overwrite --set "data.train=$data/train" --set "data.val=$data/val" \
        --set "train.precision=$x" --set train.device="$device" --set "train.steps=$train_steps" --set train.warmup_steps=1 \
        --set log.every=1 --set eval.every=0 --set "train.checkpoint_every=$train_steps" "${shape[@]}" > "$out/train-$x.log" 2>&1
    echo "$?" > "$out/train-$x.rc"
done

"$python" - "$out" "$device" <<'PY'
import json, os, sys
out, device = sys.argv[1], sys.argv[2]
def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def losses(x):
    try:
        with open(os.path.join(out, f"run-{x}", "metrics.jsonl")) as f:
            return [json.loads(l)["loss"] for l in f if '"loss"' in l]
    except OSError:
        return []
rows = []
for name in sorted(os.listdir(out)):
    if name.startswith("jepa-") and name.endswith(".json"):
        preset, precision = name[5:-5].split("-")
        j, t = load(name), load(f"twin-{preset}-{precision}.json")
        rows.append({"preset": preset, "precision": precision, "jepa": j, "twin": t,
                     "jepa_over_twin": (j["steps_per_s"] / t["steps_per_s"]) if j and t else None})
runs = {x: {"exit": int(open(os.path.join(out, f"train-{x}.rc")).read()), "losses": losses(x)} for x in ("fp32", "bf16")}
lf, lb = runs["fp32"]["losses"], runs["bf16"]["losses"]
summary = {"device": device, "doctor_exit": int(open(os.path.join(out, "doctor.rc")).read()), "bench": rows, "training": runs,
           "final_loss_fp32": lf[-1] if lf else None, "final_loss_bf16": lb[-1] if lb else None,
           "largest_loss_difference": max((abs(a - b) for a, b in zip(lf, lb)), default=None)}
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
def num(v, fmt):
    return format(v, fmt) if isinstance(v, (int, float)) else "—"
lines = [f"# gpu-check on {device}", "", "| preset | precision | jepa steps/s | twin steps/s | jepa/twin | clips/s | TFLOP/s | MFU | peak memory (MiB) |",
         "|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    j, t = r["jepa"] or {}, r["twin"] or {}
    mem = j.get("peak_memory_bytes")
    lines.append(f"| {r['preset']} | {r['precision']} | {num(j.get('steps_per_s'), '.3f')} | {num(t.get('steps_per_s'), '.3f')} | "
                 f"{num(r['jepa_over_twin'], '.2f')} | {num(j.get('clips_per_s'), '.1f')} | {num(j.get('achieved_tflops'), '.2f')} | "
                 f"{num(j.get('mfu'), '.1%')} | {num(mem / 2**20 if mem else None, '.0f')} |")
lines += ["", f"Training {len(lf)} steps: final loss fp32 {num(summary['final_loss_fp32'], '.4f')}, bf16 {num(summary['final_loss_bf16'], '.4f')}, "
          f"largest difference over the run {num(summary['largest_loss_difference'], '.4f')}."]
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
