#!/usr/bin/env bash
# Trains every train.objective on the same data for the same steps and seed, evaluates each, and writes
# a table (issue 15): OUT/objectives.md, OUT/objectives.json, OUT/rank.svg (effective rank over training).
#
#   bash scripts/compare-objectives.sh --config configs/quickstart.yaml --steps 300 --out runs/compare-bouncing \
#        --probe data/bouncing/manifest.csv --labels label
#   bash scripts/compare-objectives.sh --config configs/physics-cpu.yaml --steps 300 --out runs/compare-physics \
#        --voe data/physics-voe/pairs.csv
#
# Options: --objectives ema,vicreg,...  (default: all six)   --set key=value (any number; passed to train)
#          --eval-every N (collapse-monitor interval; default steps/10)
# A run whose checkpoint is already at --steps is not trained again (delete OUT/runs/NAME to redo it);
# its eval is redone. Every objective gets the config's seed, data, schedule and step budget.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jepa() { bash "$root/scripts/jepa.sh" "$@"; }

config="" steps="" out="" voe="" probe="" labels="" every="" objectives="ema,vicreg,barlow,infonce,pixel,none"
sets=()
usage() { echo "usage: $0 --config FILE --steps N --out DIR [--voe PAIRS.csv] [--probe LABELLED] [--labels a,b] [--objectives a,b] [--eval-every N] [--set k=v]..." >&2; exit 2; }
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
        -h|--help) usage ;;
        *) echo "compare-objectives: unknown option '$1'" >&2; usage ;;
    esac
done
[ -n "$config" ] && [ -n "$steps" ] && [ -n "$out" ] || usage
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
    echo "== $name: training $steps steps into $run"
    start=$(date +%s)
    if [ -f "$run/checkpoints/step-$(printf %06d "$steps").ckpt" ]; then
        echo "   (already trained to step $steps; kept)"
    else
        jepa train --config "$config" --run-dir "$run" --overwrite "${sets[@]}" --set "train.objective=$name" \
            --set "train.steps=$steps" --set "train.checkpoint_every=$steps" --set "train.warmup_steps=$warmup" \
            --set "eval.every=$every" --set "log.every=$every"
        echo $(( $(date +%s) - start )) > "$run/train_seconds"
    fi
    echo "== $name: evaluating"
    start=$(date +%s)
    mkdir -p "$run/eval"
    evalargs=(--checkpoint "$run/checkpoints/latest.ckpt" --task all --out "$run/eval" --overwrite)
    [ -z "$voe" ] || evalargs+=(--voe-data "$voe")
    [ -z "$probe" ] || evalargs+=(--probe-data "$probe")
    [ -z "$labels" ] || evalargs+=(--labels "$labels")
    jepa eval "${evalargs[@]}"
    echo $(( $(date +%s) - start )) > "$run/eval_seconds"
done

python3 "$root/scripts/compare_objectives_table.py" "$out" "$steps" "$config" "${names[@]}"
