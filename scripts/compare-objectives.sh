#!/usr/bin/env bash
# Trains every train.objective on the same data for the same steps, batch and seed, evaluates each, and writes
# a table (issue 15). With no --config it does the whole comparison in one command, on both data sets:
#
#   bash scripts/compare-objectives.sh [--quick] [--data DIR] [--out runs/compare-objectives]
#
#   bouncing (DIR/bouncing, configs/quickstart.yaml): predict ratio, collapse, speed probe (label), clips/s
#   physics  (DIR/physics, configs/physics-cpu.yaml, the first 128 training videos; voe on DIR/physics-voe/pairs.csv):
#            predict ratio, collapse, voe relative accuracy
#   then OUT/objectives.md, OUT/objectives.json and OUT/rank.svg (effective rank and live directions over
#   training, every objective, both data sets). Budget: --steps 100 (default) or --quick (20 steps) of
#   --batch 8 clips per objective and data set; DIR defaults to data/ (jepa synth's layout).
#
# One data set (the layer the above calls twice; its table goes into OUT itself):
#   bash scripts/compare-objectives.sh --config configs/quickstart.yaml --steps 100 --out runs/compare-bouncing \
#        --probe data/bouncing/manifest.csv --labels label
#   bash scripts/compare-objectives.sh --config configs/physics-cpu.yaml --steps 100 --out runs/compare-physics \
#        --voe data/physics-voe/pairs.csv
#
# Options: --objectives ema,vicreg,...  (default: all six)   --set key=value (any number; passed to train)
#          --eval-every N (collapse-monitor interval; default steps/10)
# A run whose checkpoint is already at --steps is not trained again, and its eval is not redone when it
# finished after the checkpoint was written (delete OUT/runs/NAME to redo it). Subsets (--objectives) may run
# side by side into one --out, e.g. to use more of a machine: each objective is locked while it runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# JEPA_BIN=path/to/jepa runs another build (e.g. a copy, so a rebuild cannot swap it mid-comparison).
jepa() { if [ -n "${JEPA_BIN:-}" ]; then "$JEPA_BIN" "$@"; else bash "$root/scripts/jepa.sh" "$@"; fi; }

config="" steps="" out="" voe="" probe="" labels="" every="" objectives="ema,vicreg,barlow,infonce,pixel,none"
quick=0 data="data" batch=8
sets=()
usage() { echo "usage: $0 [--quick] [--steps N] [--batch N] [--data DIR] [--out DIR] [--objectives a,b]   (both data sets)
       $0 --config FILE --steps N --out DIR [--voe PAIRS.csv] [--probe LABELLED] [--labels a,b] [--objectives a,b] [--eval-every N] [--set k=v]..." >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --config) config="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --voe) voe="$2"; shift 2 ;;
        --probe) probe="$2"; shift 2 ;;
        --labels) labels="$2"; shift 2 ;;
        --objectives) objectives="$2"; shift 2 ;;
        --eval-every) every="$2"; shift 2 ;;
        --set) sets+=(--set "$2"); shift 2 ;;
        --quick) quick=1; shift ;;
        --data) data="$2"; shift 2 ;;
        --batch) batch="$2"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "compare-objectives: unknown option '$1'" >&2; usage ;;
    esac
done

if [ -z "$config" ]; then
    # The whole comparison: both data sets, one budget, then one table and one figure.
    [ -n "$steps" ] || steps=$(( quick ? 20 : 100 ))
    [ -n "$out" ] || out="runs/compare-objectives"
    [[ "$steps" =~ ^[1-9][0-9]*$ ]] || { echo "compare-objectives: --steps '$steps' is not a positive whole number." >&2; exit 2; }
    [[ "$batch" =~ ^[1-9][0-9]*$ ]] || { echo "compare-objectives: --batch '$batch' is not a positive whole number." >&2; exit 2; }
    for need in bouncing/train bouncing/val bouncing/manifest.csv physics/manifest.csv physics/val physics-voe/pairs.csv; do
        [ -e "$data/$need" ] || { echo "compare-objectives: '$data/$need' does not exist; make the data with jepa synth (see README, 'Comparing the objectives') or pass --data DIR." >&2; exit 2; }
    done
    data="$(cd "$data" && pwd)"
    mkdir -p "$out" && out="$(cd "$out" && pwd)"  # absolute: --set paths are read relative to the config file
    # Physics: the first 128 training videos of the manifest (paths made absolute), so the 1024 videos'
    # decoding does not dominate a budget of a few hundred clips.
    python3 - "$data/physics/manifest.csv" "$out/physics-train-128.csv" <<'PY'
import csv, os, sys
src, dst = sys.argv[1], sys.argv[2]
base = os.path.dirname(os.path.abspath(src))
with open(src, newline="") as f:
    reader = csv.DictReader(f)
    rows = [r for r in reader if r.get("split", "train") in ("train", "")][:128]
    fields = reader.fieldnames
for r in rows:
    r["path"] = os.path.join(base, r["path"])
with open(dst, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
PY
    common=(--steps "$steps" --objectives "$objectives" --set "train.batch_size=$batch" "${sets[@]}")
    bash "$0" --config "$root/configs/quickstart.yaml" --out "$out/bouncing" "${common[@]}" \
        --set "data.train=$data/bouncing/train" --set "data.val=$data/bouncing/val" \
        --probe "$data/bouncing/manifest.csv" --labels label
    bash "$0" --config "$root/configs/physics-cpu.yaml" --out "$out/physics" "${common[@]}" \
        --set "data.train=$out/physics-train-128.csv" --set "data.val=$data/physics/val" \
        --voe "$data/physics-voe/pairs.csv"
    IFS=',' read -r -a names <<< "$objectives"
    python3 "$root/scripts/compare_objectives_table.py" --both "$out" "$steps" "$batch" "${names[@]}"
    exit 0
fi

[ -n "$steps" ] && [ -n "$out" ] || usage
[ -f "$config" ] || { echo "compare-objectives: --config '$config' does not exist; pass a YAML file such as configs/quickstart.yaml." >&2; exit 2; }
[[ "$steps" =~ ^[1-9][0-9]*$ ]] || { echo "compare-objectives: --steps '$steps' is not a positive whole number." >&2; exit 2; }
[ -z "$voe" ] || [ -f "$voe" ] || { echo "compare-objectives: --voe '$voe' does not exist; make one with jepa synth --kind voe." >&2; exit 2; }
[ -z "$probe" ] || [ -e "$probe" ] || { echo "compare-objectives: --probe '$probe' does not exist; pass a labelled manifest.csv." >&2; exit 2; }
[ -n "$every" ] || every=$(( steps >= 10 ? steps / 10 : 1 ))
warmup=$(( steps / 10 < 40 ? steps / 10 : 40 ))
mkdir -p "$out/runs"

IFS=',' read -r -a names <<< "$objectives"
for name in "${names[@]}"; do
    run="$out/runs/$name"
    ckpt="$run/checkpoints/step-$(printf %06d "$steps").ckpt"
    # Several subsets may run side by side into one --out: one objective is trained and evaluated by one
    # of them at a time (the other waits, then finds it done).
    if command -v flock > /dev/null; then exec 9> "$out/runs/$name.lock"; flock 9; fi
    echo "== $name: training $steps steps into $run"
    start=$(date +%s)
    if [ -f "$ckpt" ]; then
        echo "   (already trained to step $steps; kept)"
    else
        jepa train --config "$config" --run-dir "$run" --overwrite "${sets[@]}" --set "train.objective=$name" \
            --set "train.steps=$steps" --set "train.checkpoint_every=$steps" --set "train.warmup_steps=$warmup" \
            --set "eval.every=$every" --set "log.every=$every"
        echo $(( $(date +%s) - start )) > "$run/train_seconds"
    fi
    # eval_seconds is written when the evaluation has finished (report.json is written section by section).
    if [ -f "$run/eval_seconds" ] && [ "$run/eval_seconds" -nt "$ckpt" ] && [ -f "$run/eval/report.json" ]; then
        echo "== $name: evaluated already (delete $run/eval to redo)"
        exec 9>&-
        continue
    fi
    echo "== $name: evaluating"
    start=$(date +%s)
    mkdir -p "$run/eval"
    evalargs=(--checkpoint "$ckpt" --task all --out "$run/eval" --overwrite)
    [ -z "$voe" ] || evalargs+=(--voe-data "$voe")
    [ -z "$probe" ] || evalargs+=(--probe-data "$probe")
    [ -z "$labels" ] || evalargs+=(--labels "$labels")
    jepa eval "${evalargs[@]}"
    echo $(( $(date +%s) - start )) > "$run/eval_seconds"
    exec 9>&-
done

python3 "$root/scripts/compare_objectives_table.py" "$out" "$steps" "$config" "${names[@]}"
