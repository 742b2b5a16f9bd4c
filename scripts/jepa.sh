#!/usr/bin/env bash
# Runs the jepa command built by `dotnet build -c Release src/Jepa.Cli`, from any folder:
#   bash scripts/jepa.sh doctor
# With --print-path it prints where the binary is instead of running it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

case "$(uname -s)" in
    MINGW*|MSYS*|CYGWIN*) rid=win-x64; exe=jepa.exe ;;
    *) rid=linux-x64; exe=jepa ;; # the only other RID Directory.Build.props picks
esac
bin="$root/src/Jepa.Cli/bin/Release/net10.0/$rid/$exe"

if [ ! -x "$bin" ]; then
    echo "jepa is not built at $bin; build it with: dotnet build -c Release $root/src/Jepa.Cli" >&2
    exit 1
fi
if [ "${1:-}" = "--print-path" ]; then
    echo "$bin"
    exit 0
fi
exec "$bin" "$@"
