#!/usr/bin/env bash
# Kills a training run with SIGKILL at random moments, resumes it with --resume auto each time, and
# checks that the final loss trajectory equals an uninterrupted run's (|Δ| ≤ 1e-5 at every logged step)
# and that no run ever met a damaged checkpoint. Needs a Release build and python3.
#   bash scripts/resume-check.sh [KILLS=10] [STEPS=600] [--prepared]
# --prepared: first `jepa prepare` the generated videos and train from the prepared corpus's
# manifest.csv, streamed (data.cache_mb=0), as a corpus too large for memory is read.
set -euo pipefail
cd "$(dirname "$0")/.."
prepared=0
positional=()
for a in "$@"; do
    if [ "$a" = "--prepared" ]; then prepared=1; else positional+=("$a"); fi
done
kills=${positional[0]:-10}
steps=${positional[1]:-600}
work=$(mktemp -d /tmp/jepa-resume-check.XXXXXX)
bin=$(bash scripts/jepa.sh --print-path) # the binary itself, so that kill -9 hits the trainer

"$bin" synth --kind bouncing --out "$work/data" --train 12 --val 2 --seconds 2 --size 64 > /dev/null
train="$work/data/train"
extra=()
if [ "$prepared" = 1 ]; then
    "$bin" prepare "$work/data" --out "$work/prepared" --set data.size=32 --set data.frames=4 --progress never
    train="$work/prepared/manifest.csv"
    extra=(--set data.cache_mb=0)
fi
args=(--set "data.train=$train" "${extra[@]}" --set "train.steps=$steps" --set train.warmup_steps=10
      --set data.size=32 --set data.frames=4 --set model.dim=32 --set model.heads=2 --set model.predictor_dim=32
      --set model.depth=1 --set model.predictor_depth=1 --set train.batch_size=4 --set log.every=1
      --set train.checkpoint_every=7 --set train.threads=1 --set eval.every=0)

echo "uninterrupted run of $steps steps"
"$bin" train "${args[@]}" --run-dir "$work/full" > "$work/full.log" 2>&1

last_step() {
    local f="$work/killed/metrics.jsonl"
    if [ -s "$f" ]; then tail -n 1 "$f" | python3 -c "import json,sys; print(int(json.loads(sys.stdin.read())['step']))" 2>/dev/null || echo 0; else echo 0; fi
}

for i in $(seq 1 "$kills"); do
    resume=(); [ "$i" -gt 1 ] && resume=(--resume auto)
    before=$(last_step)
    "$bin" train "${args[@]}" --run-dir "$work/killed" "${resume[@]}" > "$work/kill-$i.log" 2>&1 &
    pid=$!
    # Wait until this run trains (its first logged step past the resume point), then kill it at a random moment.
    for _ in $(seq 1 600); do
        [ "$(last_step)" -gt "$before" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    delay=$(python3 -c "import random; print(round(random.uniform(0.2, 3.0), 2))")
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "kill $i: ${delay}s after training resumed at step $before; last logged step $(last_step)"
    if grep -q "Skipping damaged checkpoint" "$work/kill-$i.log"; then
        echo "FAIL: run $i met a damaged checkpoint"; exit 1
    fi
    if grep -q "^error:" "$work/kill-$i.log"; then
        echo "FAIL: run $i stopped with an error:"; grep "^error:" "$work/kill-$i.log"; exit 1
    fi
done

"$bin" train "${args[@]}" --run-dir "$work/killed" --resume auto > "$work/final.log" 2>&1
grep -q "Skipping damaged checkpoint" "$work/final.log" && { echo "FAIL: the final run met a damaged checkpoint"; exit 1; }

python3 - "$work/full/metrics.jsonl" "$work/killed/metrics.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert [r["step"] for r in a] == [r["step"] for r in b], "logged steps differ"
worst = max(abs(x["loss"] - y["loss"]) for x, y in zip(a, b))
print(f"{len(a)} logged steps compared; largest loss difference {worst:.3g}")
sys.exit(0 if worst <= 1e-5 else 1)
PY
echo "PASS: the resumed run matches the uninterrupted one ($work)"
