#!/usr/bin/env bash
# `trustgen diff` of two 10,000-task specs against `trustgen gen --format all` of one of
# them, as issue 22 measures it: the spec is ../shared/bench/bench_spec.py N 10, the new
# side the same spec with one action added to every task (`sqs:GetQueueUrl` beside
# `sqs:SendMessage`). The two commands run alternately, five pairs (gen into a fresh
# directory, after a `sync`, outside the timing); the table gives each command's median,
# min and max wall time and peak memory (GNU time `%e %M`), then the ratio of the medians
# diff / gen and whether the targets hold (ratio <= 1.5, diff's peak < 250 MB).
# Usage: bench/diff.sh [N]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${1:-10000}
pairs=5
spec_generator=${BENCH_SPEC:-$root/../shared/bench/bench_spec.py}
[ -f "$spec_generator" ] || { echo "bench/diff.sh: no spec generator at $spec_generator (set BENCH_SPEC)" >&2; exit 1; }
cargo build --release --quiet --bin trustgen
bin=$root/target/release/trustgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$spec_generator" "$n" 10 > "$work/old.toml"
sed 's/actions = \["sqs:SendMessage"\]/actions = ["sqs:SendMessage", "sqs:GetQueueUrl"]/' \
  "$work/old.toml" > "$work/new.toml"
changed=$(grep -c 'sqs:GetQueueUrl' "$work/new.toml")
[ "$changed" -eq "$n" ] || { echo "bench/diff.sh: expected $n edited tasks, got $changed" >&2; exit 1; }

echo "trustgen: $("$bin" --version 2> /dev/null || echo unknown)"
echo "spec:     $n tasks over 10 accounts ($(wc -c < "$work/old.toml") bytes), one action added to every task"
echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

# timed NAME CMD...: one run under GNU time; appends "wall peak_kb" to $work/NAME.
timed() {
  local name=$1
  shift
  sync
  if ! /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/stdout" 2> "$work/stderr"; then
    echo "failed: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  cat "$work/time" >> "$work/$name"
}

for ((pair = 1; pair <= pairs; pair++)); do
  rm -rf "$work/out"
  timed gen "$bin" gen "$work/old.toml" -o "$work/out" --format all
  timed diff "$bin" diff "$work/old.toml" "$work/new.toml" --format json
done
changes=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["changes"]))' "$work/stdout")

# stats FILE: median min max of wall, then median and max of peak (MB).
stats() {
  sort -n -k1 "$1" | awk '{w[NR]=$1} END {printf "%.2f %.2f %.2f", w[int((NR+1)/2)], w[1], w[NR]}'
  printf ' '
  sort -n -k2 "$1" | awk '{p[NR]=$2} END {printf "%d %d\n", p[int((NR+1)/2)]/1024, p[NR]/1024}'
}
read -r gen_median gen_min gen_max gen_peak gen_peak_max <<< "$(stats "$work/gen")"
read -r diff_median diff_min diff_max diff_peak diff_peak_max <<< "$(stats "$work/diff")"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end; diff reported $changes changes"
echo
printf '%-34s %10s %10s %10s %14s %14s\n' command "median (s)" "min (s)" "max (s)" "peak med (MB)" "peak max (MB)"
printf '%-34s %10s %10s %10s %14s %14s\n' "trustgen gen --format all" "$gen_median" "$gen_min" "$gen_max" "$gen_peak" "$gen_peak_max"
printf '%-34s %10s %10s %10s %14s %14s\n' "trustgen diff --format json" "$diff_median" "$diff_min" "$diff_max" "$diff_peak" "$diff_peak_max"
ratio=$(awk -v d="$diff_median" -v g="$gen_median" 'BEGIN{printf "%.2f", d / g}')
echo
echo "ratio diff / gen (medians): $ratio   target <= 1.5: $(awk -v r="$ratio" 'BEGIN{print (r <= 1.5) ? "holds" : "MISSED"}')"
echo "diff peak (max of $pairs runs): $diff_peak_max MB   target < 250 MB: $([ "$diff_peak_max" -lt 250 ] && echo holds || echo MISSED)"
