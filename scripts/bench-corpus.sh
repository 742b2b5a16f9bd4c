#!/usr/bin/env bash
# A benchmark corpus anyone can make: YouTube-like sources generated with ffmpeg's lavfi (nothing
# downloaded), for `jepa bench data`. 720p and 1080p, 30 and 60 fps, H.264 with a long GOP (keyframe
# every max(250, 5 s) frames, as uploads are cut), VP9 and AV1. The picture is testsrc2 (moving
# shapes, text, a counter) under a hue drift and fresh grain every frame, so no two frames are alike
# and the encoder cannot reduce it to a few bits, as it would a still pattern.
#
#   bash scripts/bench-corpus.sh OUT_DIR [--seconds S] [--copies N] [--only REGEX]
#
# --seconds  length of each video (default 60; the issue's range is 30-120)
# --copies   videos of each kind, each with its own grain and hue (default 1)
# --only     make only the kinds whose name matches this extended regex, e.g. 'h264-720p30'
# Kinds: h264-720p30 h264-720p60 h264-1080p30 h264-1080p60 vp9-720p30 vp9-1080p60 av1-720p30 av1-1080p30
# A kind whose encoder this ffmpeg lacks is skipped with a message; AV1 takes libsvtav1, else
# libaom-av1, else librav1e. Existing files are kept, so an interrupted run resumes.
set -euo pipefail

usage() { echo "usage: bash scripts/bench-corpus.sh OUT_DIR [--seconds S] [--copies N] [--only REGEX]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out=$1; shift
seconds=60 copies=1 only='.'
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) [ $# -ge 2 ] || usage; seconds=$2; shift 2 ;;
        --copies) [ $# -ge 2 ] || usage; copies=$2; shift 2 ;;
        --only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ $seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--seconds must be a positive number, not '$seconds'." >&2; exit 2; }
[[ $copies =~ ^[1-9][0-9]*$ ]] || { echo "--copies must be a whole number of at least 1, not '$copies'." >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "ffmpeg was not found on PATH; install it (e.g. apt-get install ffmpeg)." >&2; exit 2; }
mkdir -p "$out"

export SVT_LOG=1  # SVT-AV1: errors only, not its banner
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null)
has() { grep -qE "^ V.{5} $1 " <<<"$encoders"; }

av1=()
if has libsvtav1; then av1=(-c:v libsvtav1 -preset 12 -crf 40)
elif has libaom-av1; then av1=(-c:v libaom-av1 -usage realtime -cpu-used 8 -row-mt 1 -crf 40 -b:v 0)
elif has librav1e; then av1=(-c:v librav1e -speed 10 -qp 120)
fi

# encode NAME CODEC WIDTH HEIGHT FPS EXT: all copies of one kind.
encode() {
    local name=$1 codec=$2 w=$3 h=$4 fps=$5 ext=$6
    [[ $name =~ $only ]] || return 0
    local gop=$(( fps * 5 > 250 ? fps * 5 : 250 )) enc
    case $codec in
        h264) has libx264 || { echo "skip $name: this ffmpeg has no libx264"; return 0; }
              # -sc_threshold 0: no extra keyframes at scene cuts (x264 put one every 2.3-3.7 s in this
              # picture), so the GOP is the one asked for, as in a long-GOP upload.
              enc=(-c:v libx264 -preset veryfast -crf 23 -bf 3 -sc_threshold 0) ;;
        vp9)  has libvpx-vp9 || { echo "skip $name: this ffmpeg has no libvpx-vp9"; return 0; }
              enc=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -crf 35 -b:v 0) ;;
        av1)  [ ${#av1[@]} -gt 0 ] || { echo "skip $name: this ffmpeg has none of libsvtav1, libaom-av1, librav1e"; return 0; }
              enc=("${av1[@]}") ;;
    esac
    for ((i = 1; i <= copies; i++)); do
        local file="$out/$name-$i.$ext"
        [ -s "$file" ] && { echo "keep $file"; continue; }
        echo "make $file (${seconds} s, ${enc[1]}, GOP $gop)"
        # Written under a temporary name first: a half-written file never looks finished.
        ffmpeg -nostdin -hide_banner -loglevel error -y \
            -f lavfi -i "testsrc2=s=${w}x${h}:r=${fps}:d=${seconds},hue=h=$((i * 47))+36*t,noise=alls=14:allf=t+u:all_seed=$i" \
            "${enc[@]}" -g "$gop" -pix_fmt yuv420p "$out/.partial-$name-$i.$ext"
        mv "$out/.partial-$name-$i.$ext" "$file"
    done
}

encode h264-720p30  h264 1280 720  30 mp4
encode h264-720p60  h264 1280 720  60 mp4
encode h264-1080p30 h264 1920 1080 30 mp4
encode h264-1080p60 h264 1920 1080 60 mp4
encode vp9-720p30   vp9  1280 720  30 webm
encode vp9-1080p60  vp9  1920 1080 60 webm
encode av1-720p30   av1  1280 720  30 mp4
encode av1-1080p30  av1  1920 1080 30 mp4
