#!/usr/bin/env bash
# Side-by-side benchmark of trustgen against the tools a user would otherwise pick for the
# same job: AWS CDK v2 (bench/peers/cdk/app.js, L2 constructs, `node app.js` = app.synth(),
# with its built-in template validation as by default, and with CDK_VALIDATION=false)
# and troposphere (bench/peers/troposphere/app.py; JSON, and YAML as trustgen writes). All
# read the same synthetic spec (trustgen-synth, N tasks over 10 accounts) and write the
# same CloudFormation stacks and resources: the table shows the stack/resource/output
# counts of each so the reader can judge that.
#
# Usage: bench/peers.sh [N ...]           (default: 100 1000 10000)
# Environment:
#   RUNS=3               runs per tool and N; the best wall time is reported, with the peak
#                        memory and CPU time (user + system) of that run, and the median
#   SLOW_SECONDS=60      a peer whose first run takes longer than this is run once only
#   MAX_SECONDS=300      a peer is skipped at a size where its time, extrapolated linearly
#                        from the previous size, would exceed this
#   TRUSTGEN_BIN_DIR=    use trustgen and trustgen-synth from this directory instead of
#                        `cargo build --release` of this checkout
#
# Prerequisites: cargo, node >= 20 with npm, python3 >= 3.11. On first use this installs the
# peers (the pinned versions of bench/peers/cdk/package-lock.json with `npm ci`, and
# bench/peers/troposphere/requirements.txt into bench/peers/troposphere/.venv); both are
# gitignored and are not dependencies of trustgen.
#
# Timing: wall time from bash's $EPOCHREALTIME around GNU time (millisecond resolution; GNU
# time's own %e has 10 ms), peak memory and CPU from GNU time (`%M %U %S`). End to end,
# process start to exit, including each tool reading and parsing its input: trustgen reads
# the TOML spec, the peers a JSON conversion of it (made once with python3's tomllib,
# outside the timed region).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
peers=$root/bench/peers
runs=${RUNS:-3}
slow=${SLOW_SECONDS:-60}
max=${MAX_SECONDS:-300}
if [ $# -eq 0 ]; then set -- 100 1000 10000; fi
sizes=("$@")

if [ -n "${TRUSTGEN_BIN_DIR:-}" ]; then
  bin=$(cd "$TRUSTGEN_BIN_DIR" && pwd)
else
  cargo build --release --quiet --bins
  bin=$root/target/release
fi
if [ ! -d "$peers/cdk/node_modules/aws-cdk-lib" ]; then
  (cd "$peers/cdk" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -x "$peers/troposphere/.venv/bin/python" ]; then
  python3 -m venv "$peers/troposphere/.venv"
  "$peers/troposphere/.venv/bin/pip" install --quiet -r "$peers/troposphere/requirements.txt"
fi
py=$peers/troposphere/.venv/bin/python

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "trustgen:    $("$bin/trustgen" --version 2>/dev/null || echo unknown) ($bin)"
echo "node:        $(node --version), aws-cdk-lib $(node -p "require('$peers/cdk/node_modules/aws-cdk-lib/package.json').version"), constructs $(node -p "require('$peers/cdk/node_modules/constructs/package.json').version")"
echo "python:      $("$py" --version | cut -d' ' -f2), troposphere $("$py" -c 'import troposphere; print(troposphere.__version__)')"
echo "machine:     $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo

# measure NAME N OUTDIR CMD...: best wall time of up to $runs runs (fresh OUTDIR each run,
# `sync` before each so no run waits for the previous one's writeback); sets wall,
# peak_mb and cpu (user + system seconds) of that run, median (wall) and nruns.
measure() {
  local name=$1 n=$2 out=$3
  shift 3
  wall="" peak_mb="" cpu="" median="" nruns=0
  local run w p u s t0 t1 walls=()
  for ((run = 1; run <= runs; run++)); do
    rm -rf "$out"
    sync
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/log" 2>&1; then
      echo "$name failed at N=$n:" >&2
      tail -20 "$work/log" >&2
      return 1
    fi
    t1=$EPOCHREALTIME
    read -r _ p u s < "$work/time"
    w=$(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")
    nruns=$run
    walls+=("$w")
    if [ -z "$wall" ] || awk "BEGIN{exit !($w < $wall)}"; then
      wall=$w peak_mb=$((p / 1024)) cpu=$(awk "BEGIN{printf \"%.2f\", $u + $s}")
    fi
    if [ "$name" != trustgen ] && awk "BEGIN{exit !($w > $slow)}"; then break; fi
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{v[NR] = $1} END {
    if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
}

rows=()
types_seen=()
declare -A best best_cpu med prev_wall prev_n
row() { # tool n out
  local counts
  counts=$(python3 "$peers/count.py" "$3")
  read -r bytes tbytes stacks resources outputs types <<< "$counts"
  rows+=("| $1 | $2 | $wall | $median | $cpu | $nruns | $peak_mb | $bytes | $tbytes | $stacks | $resources | $outputs |")
  types_seen+=("$1 N=$2: $types")
}

for n in "${sizes[@]}"; do
  "$bin/trustgen-synth" --tasks "$n" --accounts 10 > "$work/spec-$n.toml"
  python3 "$peers/spec2json.py" "$work/spec-$n.toml" > "$work/spec-$n.json"

  measure trustgen "$n" "$work/tg" "$bin/trustgen" gen "$work/spec-$n.toml" -o "$work/tg" --format cloudformation
  row "trustgen gen --format cloudformation" "$n" "$work/tg"
  best[trustgen,$n]=$wall best_cpu[trustgen,$n]=$cpu med[trustgen,$n]=$median
  measure trustgen "$n" "$work/tg" "$bin/trustgen" gen "$work/spec-$n.toml" -o "$work/tg" --format all
  row "trustgen gen --format all (+Terraform)" "$n" "$work/tg"
  rm -rf "$work/tg"

  for peer in cdk cdk-novalidation troposphere troposphere-yaml; do
    label=$peer
    case $peer in
      cdk) label="AWS CDK (node app.js, app.synth())"; cmd=(node "$peers/cdk/app.js" "$work/spec-$n.json" "$work/$peer") ;;
      cdk-novalidation) label="AWS CDK, CDK_VALIDATION=false"; cmd=(env CDK_VALIDATION=false node "$peers/cdk/app.js" "$work/spec-$n.json" "$work/$peer") ;;
      troposphere) label="troposphere (python app.py, to_json)"; cmd=("$py" "$peers/troposphere/app.py" "$work/spec-$n.json" "$work/$peer") ;;
      troposphere-yaml) label="troposphere (python app.py --yaml, to_yaml)"; cmd=("$py" "$peers/troposphere/app.py" "$work/spec-$n.json" "$work/$peer" --yaml) ;;
    esac
    if [ -n "${prev_wall[$peer]:-}" ]; then
      projected=$(awk "BEGIN{printf \"%.0f\", ${prev_wall[$peer]} * $n / ${prev_n[$peer]}}")
      if [ "$projected" -gt "$max" ]; then
        rows+=("| $label | $n | skipped: about $projected s projected from N=${prev_n[$peer]} (MAX_SECONDS=$max) |")
        continue
      fi
    fi
    if ! measure "$peer" "$n" "$work/$peer" "${cmd[@]}"; then
      rows+=("| $label | $n | failed (see above) |")
      continue
    fi
    row "$label" "$n" "$work/$peer"
    best[$peer,$n]=$wall best_cpu[$peer,$n]=$cpu med[$peer,$n]=$median
    prev_wall[$peer]=$wall prev_n[$peer]=$n
    rm -rf "${work:?}/$peer"
  done
done

echo "| tool | N | wall s (best) | wall s (median) | CPU s (best run) | runs | peak MB | output bytes | template bytes | stacks | resources | outputs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Speed ratio: peer / trustgen gen --format cloudformation, on best wall time, median wall time,"
echo "and CPU time of the best runs:"
for n in "${sizes[@]}"; do
  for peer in cdk cdk-novalidation troposphere troposphere-yaml; do
    if [ -n "${best[$peer,$n]:-}" ]; then
      awk -v p="$peer" -v n="$n" -v a="${best[$peer,$n]}" -v b="${best[trustgen,$n]}" \
        -v am="${med[$peer,$n]}" -v bm="${med[trustgen,$n]}" \
        -v ac="${best_cpu[$peer,$n]}" -v bc="${best_cpu[trustgen,$n]}" 'BEGIN{
          printf "  N=%-6s %-18s best %6.1fx (%s / %s s)   median %6.1fx (%s / %s s)", n, p, a / b, a, b, am / bm, am, bm
          if (bc > 0) printf "   CPU %6.1fx (%s / %s s)\n", ac / bc, ac, bc; else printf "   CPU n/a (trustgen < 0.01 s)\n" }'
    fi
  done
done
echo
echo "Resources by type (must match between tools at the same N):"
printf '  %s\n' "${types_seen[@]}"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
