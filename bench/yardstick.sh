#!/usr/bin/env bash
# The speed yardstick of issue 24, measured as ../shared/bench/README.md says, in one run:
#
#   1. `bench_spec.py N 10` writes the spec (N tasks over 10 accounts);
#   2. `trustgen gen SPEC -o OUT --format all` and `json_dump_reference.py N 10 REFOUT json`
#      run alternately, five pairs, each into a fresh output directory; the ratio is the
#      median of trustgen's wall time over the median of the reference's;
#   3. peak memory is GNU time's %M of the trustgen runs (median and largest shown);
#      growth is trustgen's median at 10,000 tasks over its median at 1,000.
#
# At 10,000 tasks it also times `--format terraform` and `--format cloudformation` in the
# same alternation: a second column, one format as the reference writes one, printed
# beside the target's ratio and never instead of it.
#
# It prints the ratio, the peak and the growth, and whether each target holds (ratio at
# most 0.25, peak under 150 MB, growth at most 11), with the load average at start and end.
#
# Usage: bench/yardstick.sh
# Environment:
#   YARDSTICK=../shared/bench   where bench_spec.py and json_dump_reference.py are
#   TRUSTGEN_BIN_DIR=           use this directory's trustgen instead of building one
#   PAIRS=5                     alternating pairs per size
#   PYTHON=python3
#
# Timing: wall time from bash's $EPOCHREALTIME around GNU time (millisecond resolution;
# GNU time's own %e has 10 ms steps, too coarse at 1,000 tasks), peak from GNU time's %M.
# A `sync` runs before every run, outside the timing, so one run's writeback does not land
# in the next.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
yardstick=${YARDSTICK:-$root/../shared/bench}
pairs=${PAIRS:-5}
python=${PYTHON:-python3}
for file in bench_spec.py json_dump_reference.py; do
  if [ ! -f "$yardstick/$file" ]; then
    echo "bench/yardstick.sh: $yardstick/$file not found (set YARDSTICK=DIR)" >&2
    exit 1
  fi
done
if [ -n "${TRUSTGEN_BIN_DIR:-}" ]; then
  bin=$(cd "$TRUSTGEN_BIN_DIR" && pwd)
  built="as found"
else
  cargo build --release --quiet --bin trustgen
  bin=$root/target/release
  built="built from $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?')"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "trustgen:  $("$bin/trustgen" --version 2> /dev/null || echo unknown), $bin/trustgen ($built)"
echo "reference: $("$python" --version 2>&1) $yardstick/json_dump_reference.py (json, one format)"
echo "machine:   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# timed OUT CMD...: CMD once into a fresh OUT; sets wall (s, 3 decimals) and peak (KB).
timed() {
  local out=$1
  shift
  rm -rf "$out"
  sync
  local start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%M' -o "$work/time" "$@" > /dev/null 2> "$work/stderr"; then
    echo "failed: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  local end=$EPOCHREALTIME
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.3f", e - s}')
  peak=$(tail -n 1 "$work/time")
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
largest() { printf '%s\n' "$@" | sort -g | tail -n 1; }

declare -A tg_median ref_median peak_median peak_max
for n in 1000 10000; do
  spec=$work/spec-$n.toml
  "$python" "$yardstick/bench_spec.py" "$n" 10 > "$spec"
  tg_walls=() ref_walls=() peaks=() tf_walls=() cfn_walls=()
  for ((pair = 1; pair <= pairs; pair++)); do
    timed "$work/tg" "$bin/trustgen" gen "$spec" -o "$work/tg" --format all
    tg_walls+=("$wall") peaks+=("$peak")
    timed "$work/ref" "$python" "$yardstick/json_dump_reference.py" "$n" 10 "$work/ref" json
    ref_walls+=("$wall")
    if [ "$n" = 10000 ]; then
      # The second column: one format, as the reference writes one (in the same
      # alternation, so the same machine state); the target is judged on --format all.
      timed "$work/tg" "$bin/trustgen" gen "$spec" -o "$work/tg" --format terraform
      tf_walls+=("$wall")
      timed "$work/tg" "$bin/trustgen" gen "$spec" -o "$work/tg" --format cloudformation
      cfn_walls+=("$wall")
    fi
  done
  tg_median[$n]=$(median "${tg_walls[@]}")
  ref_median[$n]=$(median "${ref_walls[@]}")
  peak_median[$n]=$(( $(median "${peaks[@]}") / 1024 ))
  peak_max[$n]=$(( $(largest "${peaks[@]}") / 1024 ))
  echo
  echo "N=$n tasks, 10 accounts, $pairs alternating pairs"
  echo "  trustgen gen --format all (s):  ${tg_walls[*]}  median ${tg_median[$n]}"
  echo "  json_dump_reference.py (s):     ${ref_walls[*]}  median ${ref_median[$n]}"
  echo "  trustgen peak (MB):             median ${peak_median[$n]}, largest ${peak_max[$n]}"
  echo "  ratio (trustgen / reference):   $(awk -v t="${tg_median[$n]}" -v r="${ref_median[$n]}" 'BEGIN{printf "%.3f", t / r}')"
  if [ "$n" = 10000 ]; then
    for column in terraform cloudformation; do
      if [ "$column" = terraform ]; then walls=("${tf_walls[@]}"); else walls=("${cfn_walls[@]}"); fi
      one=$(median "${walls[@]}")
      printf '  --format %-22s %s  median %s\n' "$column (s):" "${walls[*]}" "$one"
      printf '  ratio, %-24s %s   (second column: one format, as the reference writes; not the target)\n' \
        "$column alone:" "$(awk -v t="$one" -v r="${ref_median[$n]}" 'BEGIN{printf "%.3f", t / r}')"
    done
  fi
done

ratio=$(awk -v t="${tg_median[10000]}" -v r="${ref_median[10000]}" 'BEGIN{printf "%.3f", t / r}')
growth=$(awk -v a="${tg_median[1000]}" -v b="${tg_median[10000]}" 'BEGIN{printf "%.1f", b / a}')
verdict() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "NOT met"; fi; }
echo
echo "machine:   load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
echo "ratio at 10,000:   $ratio   (target <= 0.25: $(verdict "$ratio <= 0.25"))"
echo "peak at 10,000:    ${peak_max[10000]} MB largest, ${peak_median[10000]} MB median   (target < 150 MB: $(verdict "${peak_max[10000]} < 150"))"
echo "growth 1k -> 10k:  ${growth}x   (target <= 11: $(verdict "$growth <= 11"))"
