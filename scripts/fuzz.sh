#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset, clang) and runs each for a
# while: the venue adapters seeded with the venue samples in
# tests/data/venues, the API's query strings and WebSocket messages with
# the seeds in tests/data/fuzz.
#   scripts/fuzz.sh                 30 s per target
#   scripts/fuzz.sh --seconds 3600  a longer hunt
# A crash leaves its input in build/fuzz/findings/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
[ "${1:-}" = "--seconds" ] && seconds=$2

# target name, seed file (a seed a line), longest input
targets=(
  "binance tests/data/venues/binance.jsonl 4096"
  "coinbase tests/data/venues/coinbase.jsonl 4096"
  "kraken tests/data/venues/kraken.jsonl 4096"
  "query_params tests/data/fuzz/query_params.txt 1024"
  "ws_op tests/data/fuzz/ws_ops.jsonl 2048"
)

cmake --preset fuzz >/dev/null
names=()
for target in "${targets[@]}"; do names+=("rtm_fuzz_${target%% *}"); done
cmake --build --preset fuzz --target "${names[@]}"
mkdir -p build/fuzz/findings
status=0
for target in "${targets[@]}"; do
  read -r name seeds max_len <<< "$target"
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "$corpus/seed-$n"
  done < "$seeds"
  echo "fuzzing $name for ${seconds}s"
  if ! build/fuzz/tests/fuzz/rtm_fuzz_$name "$corpus" -max_total_time="$seconds" -max_len="$max_len" \
       -artifact_prefix=build/fuzz/findings/$name- -print_final_stats=1 2> "build/fuzz/$name.log"; then
    echo "the $name fuzzer found a failure; see build/fuzz/$name.log and build/fuzz/findings/" >&2
    tail -30 "build/fuzz/$name.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units" "build/fuzz/$name.log" | sed "s/^/  $name: /"
  fi
done
exit $status
