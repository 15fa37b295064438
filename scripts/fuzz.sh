#!/usr/bin/env bash
# Builds the venue adapters' libFuzzer targets (fuzz preset, clang) and runs
# each for a while, seeded with the venue samples in tests/data/venues.
#   scripts/fuzz.sh                 30 s per target (what make test runs)
#   scripts/fuzz.sh --seconds 3600  a longer hunt
# A crash leaves its input in build/fuzz/findings/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
[ "${1:-}" = "--seconds" ] && seconds=$2

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target rtm_fuzz_binance rtm_fuzz_coinbase rtm_fuzz_kraken
mkdir -p build/fuzz/findings
status=0
for venue in binance coinbase kraken; do
  corpus=build/fuzz/corpus/$venue
  mkdir -p "$corpus"
  # Each sample line is its own seed.
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "$corpus/sample-$n"
  done < "tests/data/venues/$venue.jsonl"
  echo "fuzzing the $venue adapter for ${seconds}s"
  if ! build/fuzz/tests/fuzz/rtm_fuzz_$venue "$corpus" -max_total_time="$seconds" -max_len=4096 \
       -artifact_prefix=build/fuzz/findings/$venue- -print_final_stats=1 2> "build/fuzz/$venue.log"; then
    echo "the $venue fuzzer found a failure; see build/fuzz/$venue.log and build/fuzz/findings/" >&2
    tail -30 "build/fuzz/$venue.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units" "build/fuzz/$venue.log" | sed "s/^/  $venue: /"
  fi
done
exit $status
