#!/usr/bin/env bash
# Builds jepa.sln in Release and runs the tests, then prints one closing line taken from the TRX
# results: "N passed, N failed" (", N skipped" when some were). Extra arguments go to dotnet test,
# e.g.: bash scripts/test.sh --filter "FullyQualifiedName~Jepa.Tests.Config"
# Exit status: non-zero when a test failed, when no test ran, or when the results file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --with-chromium --with-torch --with-slurm --with-pwsh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build jepa.sln -c Release
# The Windows build compiles here too (README, "Windows"): jepa.exe with the CPU libtorch for Windows.
# Its restore downloads libtorch-cpu-win-x64 once (80 MB; 332 MB in the NuGet cache, 276 MB of output).
dotnet build src/Jepa.Cli -c Release -r win-x64

results_dir="$PWD/TestResults"
trx="$results_dir/results.trx"
rm -f "$trx"

# A failing test makes dotnet test exit non-zero; we still want the counts, so keep going.
test_rc=0
dotnet test tests/Jepa.Tests -c Release --no-build \
    --logger "trx;LogFileName=results.trx" --results-directory "$results_dir" "$@" || test_rc=$?

if [ ! -f "$trx" ]; then
    echo "no test results: $trx was not written (dotnet test exited with $test_rc)" >&2
    echo "0 passed, 0 failed"
    exit 1
fi

# <Counters total="…" executed="…" passed="…" failed="…" error="…" timeout="…" aborted="…" … notExecuted="…" …/>
counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
count() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
total=$(count total); passed=$(count passed); failed=$(count failed)
errors=$(count error); timeouts=$(count timeout); aborted=$(count aborted); executed=$(count executed)
failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} + ${aborted:-0} ))
passed=${passed:-0}; total=${total:-0}
# xunit leaves notExecuted at 0 for skipped tests; they show as total - executed instead.
skipped=$(( total - ${executed:-0} ))

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"

if [ "$failed" -gt 0 ] || [ "$test_rc" -ne 0 ]; then exit 1; fi
if [ "$total" -eq 0 ] || [ "$passed" -eq 0 ]; then
    echo "no test ran; check the --filter" >&2
    exit 1
fi
