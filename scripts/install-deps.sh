#!/usr/bin/env bash
# Makes sure what jepa needs is installed: ffmpeg + ffprobe (installed here when missing, on apt
# systems) and the .NET 10 SDK (checked; how to install it is printed when missing).
# Quiet and idempotent when everything is already there. Exit 1 when something is still missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "install-deps: $*" >&2; }

install_ffmpeg() {
    if command -v apt-get >/dev/null 2>&1; then
        local sudo=()
        if [ "$(id -u)" -ne 0 ]; then
            if command -v sudo >/dev/null 2>&1; then
                sudo=(sudo)
            else
                say "ffmpeg is missing and installing it needs root; run as root: apt-get update && apt-get install -y ffmpeg"
                exit 1
            fi
        fi
        say "installing ffmpeg (apt-get)"
        # Non-interactive: CI runs this with no stdin.
        ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
    else
        case "$(uname -s)" in
            Darwin) say "ffmpeg and ffprobe are missing; install them with: brew install ffmpeg" ;;
            MINGW*|MSYS*|CYGWIN*) say "ffmpeg and ffprobe are missing; install them with: winget install --id Gyan.FFmpeg -e" ;;
            *) say "ffmpeg and ffprobe are missing and this system has no apt-get; install your distribution's ffmpeg package (dnf install ffmpeg from RPM Fusion, pacman -S ffmpeg, ...), which provides both" ;;
        esac
        exit 1
    fi
}

if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
    install_ffmpeg
    if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
        say "ffmpeg was installed but ffmpeg/ffprobe are still not on PATH; check PATH"
        exit 1
    fi
fi

with_chromium=false
with_torch=false
with_slurm=false
with_pwsh=false
for arg in "$@"; do
    case "$arg" in
        --with-chromium) with_chromium=true ;;
        --with-torch) with_torch=true ;;
        --with-slurm) with_slurm=true ;;
        --with-pwsh) with_pwsh=true ;;
        *) say "unknown option '$arg'; the options are --with-chromium, --with-torch, --with-slurm and --with-pwsh"; exit 2 ;;
    esac
done

apt_install() {
    local sudo=()
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo=(sudo)
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Chromium (headless) only for the tests: one checks that report.html draws its plots in a browser.
# Quickstart users skip this download; scripts/test.sh passes --with-chromium.
if $with_chromium && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        say "installing chromium for the report test (apt-get)"
        apt_install chromium
    else
        say "chromium is missing; install it (the report test needs a headless browser)"
    fi
fi

# The PyTorch twin (scripts/reference) only for the tests: they compare it with the C# model through
# Debian's /usr/bin/python3. python3-torch is 1.13.1 on Debian 12 (~140 MB to download, about a minute);
# OpenBLAS because Debian's torch otherwise calls the reference BLAS, ~5x slower here; PyYAML for
# bench.py's YAML configs. scripts/test.sh passes --with-torch.
if $with_torch; then
    missing=()
    for p in python3-torch python3-numpy python3-yaml libopenblas0-pthread; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if command -v apt-get >/dev/null 2>&1; then
            say "installing ${missing[*]} for the PyTorch twin's tests (apt-get)"
            apt_install --no-install-recommends "${missing[@]}"
        else
            say "the PyTorch twin's tests need torch and numpy for /usr/bin/python3; install them with your distribution's packages"
        fi
    fi
fi

# SLURM only for the tests: one starts its own one-node cluster (slurmctld + slurmd, auth/none, its own
# ports and temp folder) and submits a sweep to it. Debian's slurm-wlm 22.05 (~6 s to install, nothing
# is started by the install). scripts/test.sh passes --with-slurm.
if $with_slurm; then
    missing=()
    for p in slurmctld slurmd slurm-client; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if command -v apt-get >/dev/null 2>&1; then
            say "installing ${missing[*]} for the one-node SLURM test (apt-get)"
            apt_install --no-install-recommends "${missing[@]}"
        else
            say "the SLURM test needs slurmctld, slurmd and the SLURM client commands (slurm-wlm 22.05 or later); install them with your distribution's packages"
        fi
    fi
fi

dotnet_hint() {
    say "$1; install the .NET 10 SDK, for example:"
    say "  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0   (then add ~/.dotnet to PATH)"
    say "  or your distribution's package (Ubuntu: sudo apt-get install -y dotnet-sdk-10.0), see https://learn.microsoft.com/dotnet/core/install/linux"
    exit 1
}

command -v dotnet >/dev/null 2>&1 || dotnet_hint "dotnet is not on PATH"
# `dotnet --list-sdks` prints "10.0.401 [/usr/share/dotnet/sdk]" per SDK; any major >= 10 will do.
best_major=$(dotnet --list-sdks 2>/dev/null | sed -n 's/^\([0-9][0-9]*\)\..*/\1/p' | sort -n | tail -n 1)
if [ -z "$best_major" ] || [ "$best_major" -lt 10 ]; then
    dotnet_hint "found dotnet, but no SDK of version 10 or later (newest major: ${best_major:-none})"
fi

# PowerShell 7 only for the tests of the Windows scripts (scripts/*.ps1), which run under pwsh on Linux:
# the PowerShell dotnet tool 7.6.9 (a later 7.7 may want .NET 11), ~70 MB, no root needed.
# scripts/test.sh passes --with-pwsh.
if $with_pwsh && ! command -v pwsh >/dev/null 2>&1 && [ ! -x "$HOME/.dotnet/tools/pwsh" ]; then
    say "installing PowerShell 7.6.9 for the .ps1 script tests (dotnet tool install --global PowerShell)"
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
fi
