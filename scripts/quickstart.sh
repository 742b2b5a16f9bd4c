#!/usr/bin/env bash
# The quickstart, end to end on CPU (about 4 minutes of training on 2 cores):
# generate bouncing-object videos, train the tiny H-JEPA, evaluate its predictions against persistence.
# Run from anywhere: bash scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build -c Release src/Jepa.Cli

jepa() { bash scripts/jepa.sh "$@"; }

echo "== checking the tools"
jepa doctor

if [ -f data/bouncing/manifest.csv ]; then
    echo "== videos: data/bouncing/manifest.csv exists, skipping generation"
else
    echo "== generating videos into data/bouncing"
    # No manifest: any videos there are from a synth that did not finish; --overwrite removes only those.
    jepa synth --kind bouncing --out data/bouncing --overwrite
fi

echo "== training (configs/quickstart.yaml) into runs/quickstart"
jepa train --config configs/quickstart.yaml --run-dir runs/quickstart --overwrite

echo "== evaluating prediction against persistence"
jepa eval --checkpoint runs/quickstart/checkpoints/latest.ckpt --task predict

echo "== done: the run is in runs/quickstart (config.yaml, metrics.jsonl, checkpoints/, eval/)"
