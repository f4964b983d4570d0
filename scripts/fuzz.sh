#!/usr/bin/env bash
# libFuzzer targets that feed datagrams into a real ENet host through the platform layer
# (fuzz/README section "Fuzzing" in README.md).
#
#   scripts/fuzz.sh build              builds fuzz/.build/<target> (static libraries once)
#   scripts/fuzz.sh run [seconds]      builds, then runs each target for `seconds` (default 60)
#   scripts/fuzz.sh repro              runs every target once over fuzz/regressions/ and its corpus
#
# Environment: FUZZ_TARGETS (space-separated subset), FUZZ_JOBS (targets run side by side,
# default 1), CC (default clang), FUZZ_RSS_MB (default 1024).
# Exits non-zero when a target crashes, leaks, hits UB or runs out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/fuzz/.build
CC=${CC:-clang}
ALL_TARGETS="plain range_coder fastlz zlib zstd dtls"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
JOBS=${FUZZ_JOBS:-1}
RSS_MB=${FUZZ_RSS_MB:-1024}

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS_LIB="-g -O1 -w -fsanitize=fuzzer-no-link $SAN"

sources() { (cd deps && node fetch.js --sources "$@") | sed 's|^|deps/|'; }

# Compiles a list of sources into one static archive, in parallel, unless it is up to date.
# $2 is a flag string split on whitespace (no flag contains spaces; quotes are literal).
archive() {
  local name=$1 flags=$2; shift 2
  local dir=$OUT/obj/$name lib=$OUT/lib$name.a stamp f
  stamp=$(printf '%s\n' "$CC" "$flags" "$@" | sha1sum | cut -c1-12)
  if [ -f "$lib" ] && [ "$(cat "$OUT/lib$name.stamp" 2>/dev/null)" = "$stamp" ]; then return; fi
  echo "fuzz: compiling $name ($# files)"
  rm -rf "$dir" && mkdir -p "$dir"
  local -a argv
  read -r -a argv <<< "$flags"
  for f in "$@"; do
    "$CC" "${argv[@]}" -c "$f" -o "$dir/$(echo "$f" | tr / _).o" &
    while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n; done
  done
  while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n; done
  rm -f "$lib"
  ar rcs "$lib" "$dir"/*.o
  echo "$stamp" > "$OUT/lib$name.stamp"
}

build() {
  command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install -y clang)" >&2; exit 2; }
  [ -d deps/src/enet ] || { echo "fuzz: deps/src missing: run npm ci first" >&2; exit 2; }
  mkdir -p "$OUT"
  # The big libraries, with the defines of deps/*.gyp, instrumented so that the fuzzer sees
  # their branches too (mbedTLS parses handshakes, zlib/zstd decode network bytes).
  # With our ChaCha20-Poly1305 (native/crypto), as deps/mbedtls.gyp builds it: rebuilt when
  # that changes.
  if [ -n "$(find native/crypto deps/mbedtls_user_config.h -newer "$OUT/libmbedtls.a" 2>/dev/null)" ]; then
    rm -f "$OUT/libmbedtls.stamp"
  fi
  archive mbedtls "$CFLAGS_LIB -Ideps/src/mbedtls/include -Ideps/src/mbedtls/library -Ideps -Inative/crypto \
    -DMBEDTLS_USER_CONFIG_FILE=<mbedtls_user_config.h>" $(sources mbedtls library) native/crypto/*.c
  archive zlib "$CFLAGS_LIB -Ideps/src/zlib -fvisibility=hidden" \
    $(sources zlib . compress.c uncompr.c infback.c gzclose.c gzlib.c gzread.c gzwrite.c)
  archive zstd "$CFLAGS_LIB -Ideps/src/zstd/lib -Ideps/src/zstd/lib/common -fvisibility=hidden \
    -DZSTD_DISABLE_ASM -DZSTD_LEGACY_SUPPORT=0 -DZSTDLIB_VISIBLE= -DZSTDERRORLIB_VISIBLE=" \
    $(sources zstd lib/common pool.c threading.c) $(sources zstd lib/compress zstdmt_compress.c) \
    $(sources zstd lib/decompress)
  # ENet's core (no unix.c/win32.c), minus two UBSan checks that fire on upstream idioms at
  # every datagram and would stop the fuzzer before it gets anywhere:
  # - null (and, at -O1, object-size): offsets computed as
  #   `(size_t) & ((ENetProtocolHeader *) 0) -> sentTime` (protocol.c);
  # - shift-base: the range coder's `* inData ++ << 24` (compress.c) shifts an int-promoted
  #   byte >= 0x80 into the sign bit.
  # ASan still catches real NULL dereferences and out-of-bounds accesses.
  archive enet "$CFLAGS_LIB -fno-sanitize=null,object-size,shift-base -Ideps/src/enet/include" \
    $(sources enet . unix.c win32.c)
  # Our platform layer, range coder and codecs: small, so rebuilt whenever any of them changes.
  local ours=( native/platform/*.c native/range_coder.c native/compress/*.c )
  local newest
  newest=$(ls -t "${ours[@]}" native/platform/*.h native/compress/*.h deps/mbedtls_user_config.h | head -1)
  if [ ! -f "$OUT/libcore.a" ] || [ "$newest" -nt "$OUT/libcore.a" ]; then rm -f "$OUT/libcore.stamp"; fi
  archive core "$CFLAGS_LIB -Ideps/src/enet/include -Inative -Ideps/src -Ideps/src/mbedtls/include -Ideps -Inative/crypto \
    -DMBEDTLS_USER_CONFIG_FILE=<mbedtls_user_config.h>" "${ours[@]}"
  for t in $ALL_TARGETS; do
    local mode
    mode=$(echo "$t" | tr a-z A-Z)
    if [ ! -x "$OUT/fuzz_$t" ] || [ fuzz/fuzz_host.c -nt "$OUT/fuzz_$t" ] || [ "$OUT/libcore.a" -nt "$OUT/fuzz_$t" ] || [ "$OUT/libenet.a" -nt "$OUT/fuzz_$t" ] || [ "$OUT/libmbedtls.a" -nt "$OUT/fuzz_$t" ]; then
      echo "fuzz: linking fuzz_$t"
      $CC -g -O1 -Wall -Wextra -fsanitize=fuzzer $SAN -DFUZZ_MODE_$mode \
        -Ideps/src/enet/include -Inative -Ideps/src/mbedtls/include -Ideps -Inative/crypto \
        -DMBEDTLS_USER_CONFIG_FILE=\"mbedtls_user_config.h\" \
        fuzz/fuzz_host.c -Wl,--wrap=enet_time_get \
        "$OUT/libcore.a" "$OUT/libenet.a" "$OUT/libmbedtls.a" "$OUT/libzlib.a" "$OUT/libzstd.a" -lpthread -ldl \
        -o "$OUT/fuzz_$t"
    fi
  done
}

# Runs one target; prints its summary line; returns non-zero on any finding.
run_one() {
  local t=$1 seconds=$2 work=$OUT/run/$1 rc=0
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  local before
  before=$(ls "$work/corpus" | wc -l)
  (cd "$work" && "$OUT/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb="$RSS_MB" -max_len=8192 \
     -timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
     corpus $([ -d "$ROOT/fuzz/regressions/$t" ] && echo "$ROOT/fuzz/regressions/$t") > "$work/log" 2>&1) || rc=$?
  local stats execs rate cov datagrams crashes
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" || true)
  cov=$( (grep -o 'cov: [0-9]*' "$work/log" || true) | tail -1 | cut -d' ' -f2)
  datagrams=$(sed -n 's/^fuzz: datagrams sent: *//p' "$work/log" | tail -1)
  crashes=$(ls "$work/artifacts" | wc -l)
  printf 'fuzz %-12s %4ss  execs %-9s exec/s %-6s datagrams %-10s cov %-6s corpus %s -> %s  findings %s\n' \
    "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${datagrams:-?}" "${cov:-?}" "$before" \
    "$(ls "$work/corpus" | wc -l)" "$crashes"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc); artifacts in $work/artifacts; log tail:" >&2
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$work/log" | head -20 >&2 || true
    tail -5 "$work/log" >&2
    return 1
  fi
}

run() {
  local seconds=${1:-60} failed=0 pids=() t
  build
  rm -f "$OUT"/summary.*
  # Deterministic summary order: launch up to JOBS at a time, print as each finishes.
  for t in $TARGETS; do
    run_one "$t" "$seconds" > "$OUT/summary.$t" 2>&1 &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Exit states come from the summaries (wait -n above may have consumed them).
  for t in $TARGETS; do
    cat "$OUT/summary.$t"
    if ! grep -q '^fuzz ' "$OUT/summary.$t" || grep -q FAILED "$OUT/summary.$t"; then failed=1; fi
  done
  return $failed
}

# Replays the committed corpora and regressions once (no fuzzing): a quick check after changes.
repro() {
  build
  local failed=0 t
  for t in $TARGETS; do
    local files=( fuzz/corpus/"$t"/* )
    [ -d fuzz/regressions/"$t" ] && files+=( fuzz/regressions/"$t"/* )
    if "$OUT/fuzz_$t" -runs=1 "${files[@]}" > "$OUT/repro.$t.log" 2>&1; then
      echo "fuzz $t: ${#files[@]} inputs OK"
    else
      echo "fuzz $t: FAILED (see $OUT/repro.$t.log)"; failed=1
    fi
  done
  return $failed
}

case "${1:-run}" in
  build) build ;;
  run) shift || true; run "${1:-60}" ;;
  repro) repro ;;
  *) echo "usage: scripts/fuzz.sh [build|run [seconds]|repro]" >&2; exit 2 ;;
esac
