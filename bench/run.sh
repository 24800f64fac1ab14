#!/usr/bin/env bash
# End-to-end benchmark of `trustgen gen --format all` on synthetic specs (trustgen-synth):
# wall time, peak memory (GNU time) and output bytes, for N tasks over 10 accounts, and
# the phase shares of the best run (`gen --timings`).
# Usage: bench/run.sh [N ...]   (default: 100 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%8s %10s %12s %14s\n' tasks "wall (s)" "peak (MB)" "output (bytes)"
for n in "${@:-100 1000 10000}"; do
  for size in $n; do
    ./target/release/trustgen-synth --tasks "$size" --accounts 10 > "$work/spec-$size.toml"
    best=""
    for run in 1 2 3; do
      rm -rf "$work/out"
      /usr/bin/time -f '%e %M' -o "$work/time" ./target/release/trustgen gen "$work/spec-$size.toml" -o "$work/out" --format all --timings > /dev/null 2> "$work/timings"
      read -r wall peak < "$work/time"
      if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
        best=$wall; best_peak=$peak; cp "$work/timings" "$work/timings-$size"
      fi
    done
    bytes=$(du -sb "$work/out" | cut -f1)
    printf '%8s %10s %12s %14s\n' "$size" "$best" "$((best_peak / 1024))" "$bytes"
  done
done
echo
for n in "${@:-100 1000 10000}"; do
  for size in $n; do
    echo "phases of the best run, $size tasks (gen --timings):"
    grep -v '^timings:' "$work/timings-$size"
  done
done
