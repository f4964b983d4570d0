#!/usr/bin/env bash
# Memory checking for the native addon, on a throw-away copy of this checkout (nothing is built
# or written inside the checkout itself).
#
#   scripts/memcheck.sh [--keep] [test files...]
#       Builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer)
#       and runs the vitest suite (or the given test files) with libasan preloaded into every
#       node process: vitest, its workers, and the child processes and worker threads the tests
#       start. Then reports every sanitizer finding, split into ours (a frame in native/,
#       deps/src/{enet,zlib,zstd} or the addon) and node/V8 internals.
#
#   scripts/memcheck.sh --valgrind [--keep] [test files...]
#       A normal (unsanitized, -g) build, and a few test files (or the given ones) run in a
#       node under `valgrind --leak-check=full`, one file per valgrind process.
#
# Exit status: 0 when no finding involves our code (tests that fail under the sanitizer are
# reported, and counted as findings only when they crashed); 1 otherwise; 2 on a setup error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mode=asan
keep=0
files=()
for arg in "$@"; do
  case "$arg" in
    --valgrind) mode=valgrind ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "memcheck: unknown option $arg" >&2; exit 2 ;;
    *) files+=("$arg") ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
die() { echo "memcheck: $*" >&2; exit 2; }
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/godot-enet-memcheck.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "memcheck: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- a copy of the checkout -------------------------------------------------------------------
say "copying $root to $work"
(
  cd "$root"
  { git ls-files -z; git ls-files -z -o --exclude-standard -- test scripts lib native deps; } |
    while IFS= read -r -d '' file; do [ -f "$file" ] && printf '%s\0' "$file"; done |
    tar --null -T - -cf -
) | tar -C "$work" -xf -
[ -d "$root/deps/src" ] || die "deps/src is missing: run npm install (or node deps/fetch.js) in $root first"
cp -a "$root/deps/src" "$work/deps/"
[ -d "$root/node_modules" ] || die "node_modules is missing: run npm install in $root first"
cp -a "$root/node_modules" "$work/"
rm -rf "$work/node_modules/.vite" "$work/node_modules/.vitest"
mkdir -p "$work/.memcheck/logs"

# The suites that run programs of shared/ (test/shared-binary.ts: Godot, Agones' SDK server) find
# them beside the checkout, which the copy is not: name them in the variables those suites read.
from_shared() {  # VARIABLE path-in-shared
  local beside="$root/../shared/$2"
  if [ -z "${!1:-}" ] && [ -x "$beside" ]; then export "$1=$(realpath "$beside")"; fi
}
from_shared GODOT_BIN godot/godot-4.6.3-headless
from_shared AGONES_SDK_SERVER agones/sdk-server

cd "$work"
nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
gyp_args=(rebuild --jobs max)
if [ -n "$nodedir" ] && [ "$nodedir" != undefined ] && [ "$nodedir" != null ]; then gyp_args+=(--nodedir "$nodedir"); fi

# ---- build ------------------------------------------------------------------------------------
if [ "$mode" = asan ]; then
  flags='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize=vptr'
  say "building the addon with ASan + UBSan ($flags)"
  # UBSan's runtime is linked into the addon (-static-libubsan) and bound to itself (-Bsymbolic):
  # as a shared library next to the preloaded libasan its calls to __sanitizer_set_report_path
  # would land in ASan's copy, and its reports would go to each process's stderr, not log_path.
  CFLAGS="$flags" CXXFLAGS="$flags" LDFLAGS='-fsanitize=address,undefined -static-libubsan -Wl,-Bsymbolic' \
    node node_modules/node-gyp/bin/node-gyp.js "${gyp_args[@]}" > .memcheck/build.log 2>&1 ||
    { tail -40 .memcheck/build.log; die "the sanitized build failed (log above)"; }
  libasan=$(ldd build/Release/godot_enet.node | awk '/libasan/ { print $3 }')
  [ -n "$libasan" ] && [ -f "$libasan" ] || die "the addon is not linked to libasan (ldd: $(ldd build/Release/godot_enet.node))"
else
  command -v valgrind >/dev/null ||
    die "valgrind is not installed (install it, e.g. apt-get install valgrind, then run again)"
  say "building the addon normally, with -g"
  CFLAGS='-g' CXXFLAGS='-g' node node_modules/node-gyp/bin/node-gyp.js "${gyp_args[@]}" > .memcheck/build.log 2>&1 ||
    { tail -40 .memcheck/build.log; die "the build failed (log above)"; }
fi
say "compiling TypeScript (dist/) and the test's C echo peer"
node node_modules/typescript/bin/tsc -p tsconfig.json
if [ "$mode" = asan ]; then  # it loads the addon
  LD_PRELOAD="$libasan" ASAN_OPTIONS=detect_leaks=0 node scripts/esm-entry.mjs
else
  node scripts/esm-entry.mjs
fi
# The suite's global setup compiles test/native/echo_peer.c with cc; do it now, without the
# sanitizer preloaded into the compiler.
cat > .memcheck/echo-peer.ts <<'EOF'
import setup from '../test/setup/global';
setup();
EOF
node node_modules/vite-node/vite-node.mjs .memcheck/echo-peer.ts > .memcheck/echo-peer.log 2>&1 ||
  { cat .memcheck/echo-peer.log; die "could not build the echo peer"; }

# ---- run --------------------------------------------------------------------------------------
logs="$work/.memcheck/logs"
status=0
if [ "$mode" = asan ]; then
  # LeakSanitizer suppressions: only allocation sites inside V8's heap and V8's/Node's start-up
  # that never call into addon code, so they can only be above any frame of ours in a stack:
  # what they allocated is V8's/Node's own memory, never freed when a process ends with
  # process.exit(). LSan matches a pattern against every frame of a stack, so broad patterns
  # (node::Start, v8::internal::) would hide our leaks too and are not used. Nothing in native/,
  # deps/ or the addon is suppressed; the report below also sorts every unsuppressed leak by
  # whose code allocated it.
  cat > .memcheck/lsan.supp <<'EOF'
leak:v8::internal::MemoryChunk::AllocateSlotSet
leak:v8::internal::Heap_CombinedGenerationalAndSharedBarrierSlow
leak:v8::internal::SlotSet::
leak:v8::internal::TypedSlotSet::
leak:v8::internal::Genesis::
leak:node::InitializeOncePerProcess
leak:node::options_parser::
EOF
  # UndefinedBehaviorSanitizer: two known left shifts in upstream ENet 1.3.18 that overflow a
  # signed int (compress.c: ENET_RANGE_CODER_SEED's `byte << 24`; protocol.c: `1 << 31` for the
  # 32nd fragment of a packet). GCC compiles both to the intended bit pattern and ENet's sources
  # are never edited, so exactly these checks in exactly these files are silenced.
  cat > .memcheck/ubsan.supp <<'EOF'
shift-base:compress.c
shift-base:protocol.c
EOF
  # Vitest's worker threads (not forked processes, which vitest ends with SIGTERM before
  # LeakSanitizer's exit-time check could run) share the main process, which exits normally.
  cat > .memcheck/vitest.config.ts <<'EOF'
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config';

export default mergeConfig(base, defineConfig({
  test: { pool: 'threads', testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false },
}));
EOF
  # Node unloads an addon (dlclose) when the last worker thread using it ends; LSan's report at
  # exit then cannot name its frames. Loading it once in every process's main thread pins it.
  cat > .memcheck/pin-addon.js <<EOF
try {
  require('$work/build/Release/godot_enet.node');
} catch (err) {
  process.stderr.write('memcheck: cannot pin the addon: ' + err.message + '\n');
}
EOF
  say "running vitest under ASan/UBSan/LSan (libasan: $libasan)"
  set +e
  env LD_PRELOAD="$libasan" GODOT_ENET_MEMCHECK=asan NODE_OPTIONS="--require $work/.memcheck/pin-addon.js" \
    ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan:abort_on_error=1:exitcode=0:allow_user_segv_handler=1:detect_odr_violation=0:verify_asan_link_order=0:malloc_context_size=40:detect_stack_use_after_return=0" \
    LSAN_OPTIONS="suppressions=$work/.memcheck/lsan.supp:print_suppressions=1:report_objects=0" \
    UBSAN_OPTIONS="suppressions=$work/.memcheck/ubsan.supp:print_stacktrace=1:halt_on_error=0:log_path=$logs/ubsan" \
    node node_modules/vitest/vitest.mjs run --config .memcheck/vitest.config.ts --reporter=default "${files[@]}" \
    2>&1 | tee .memcheck/vitest.log
  vitest_status=${PIPESTATUS[0]}
  set -e
else
  if [ ${#files[@]} -eq 0 ]; then
    files=(test/handshake.test.ts test/packet-peer-api.test.ts test/native-arguments.test.ts)
  fi
  say "running ${files[*]} under valgrind --leak-check=full (one valgrind per file)"
  vitest_status=0
  for file in "${files[@]}"; do
    name=$(basename "$file" .ts)
    # vitest's own process forks one worker per file; valgrind follows children so the worker
    # (where the addon runs) is checked. Node's JIT needs --smc-check for correctness.
    set +e
    # GODOT_ENET_MEMORY_CACHE=0: ENet's blocks straight from malloc, so that valgrind sees each
    # free (native/enet_memory.h; ASan builds bypass the cache by themselves).
    env GODOT_ENET_MEMCHECK=valgrind GODOT_ENET_MEMORY_CACHE=0 valgrind --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite --trace-children=yes --child-silent-after-fork=yes \
      --trace-children-skip='*esbuild*,*/cc,*/gcc,*/ld,*/as,*/collect2,*/sort,*/sh,*/git' \
      --smc-check=all-non-file --num-callers=40 --log-file="$logs/valgrind.$name.%p" \
      node node_modules/vitest/vitest.mjs run --pool=forks --poolOptions.forks.singleFork=true \
      --testTimeout=300000 --hookTimeout=300000 "$file" 2>&1 | tee -a .memcheck/vitest.log
    [ "${PIPESTATUS[0]}" = 0 ] || vitest_status=1
    set -e
  done
fi

# ---- report -----------------------------------------------------------------------------------
say "findings"
set +e
node - "$logs" "$mode" "$work" <<'EOF'
// Splits sanitizer and valgrind logs into reports, and each report into ours (a frame in the
// addon, native/ or deps/src/{enet,zlib,zstd}) or Node/V8's; prints ours in full (deduplicated) and counts
// the rest.
const fs = require('node:fs');
const path = require('node:path');
const [logs, mode, work] = process.argv.slice(2);
const ours = /godot_enet\.node|godot_enet::|\benet_\w+ \(|\bin enet_\w+|: enet_\w+|Napi::|range_coder_\w+|platform_\w+|\/native\/|deps\/src\/(enet|zlib|zstd)|connection(_events)?\.cc|packet_peer\.cc|event_pump\.cc|range_coder\.c|platform\/(socket|address|system)\.c|napi-inl\.h/;
const files = fs.existsSync(logs) ? fs.readdirSync(logs).sort() : [];
// Reports a process printed to its stderr instead (vitest's own) are in the vitest log.
const vitestLog = path.join(logs, '..', 'vitest.log');
const reports = [];
for (const file of [...files, ...(mode === 'asan' && fs.existsSync(vitestLog) ? ['../vitest.log'] : [])]) {
  const text = fs.readFileSync(path.join(logs, file), 'utf8').split(work).join('.');
  const pid = file.split('.').pop();
  if (file.startsWith('valgrind')) {
    // Blocks of "==pid== " lines separated by blank "==pid== " lines.
    const lines = text.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
    let block = [];
    const flush = () => {
      const head = block[0] || '';
      if (/^(Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination|Argument .* of function)/.test(head) ||
          /(definitely|indirectly) lost in loss record/.test(head)) {
        reports.push({ kind: /lost in loss record/.test(head) ? 'leak' : 'error', head, body: block, file, pid });
      }
      block = [];
    };
    for (const line of lines) {
      if (line.trim() === '') flush(); else block.push(line);
    }
    flush();
    continue;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let kind = null;
    if (/ERROR: AddressSanitizer|ERROR: LeakSanitizer: detected|SUMMARY: AddressSanitizer/.test(line) && !/LeakSanitizer/.test(line)) kind = 'error';
    if (/^(Direct|Indirect) leak of \d+ byte/.test(line)) kind = 'leak';
    if (/runtime error:/.test(line)) kind = 'ubsan';
    if (!kind || /^SUMMARY/.test(line)) continue;
    const body = [line];
    for (i++; i < lines.length && lines[i].trim() !== '' && !/^(Direct|Indirect) leak/.test(lines[i]); i++) body.push(lines[i]);
    i--;
    reports.push({ kind, head: line.trim(), body, file, pid });
  }
}
// Whose is a report? Errors (ASan, UBSan, valgrind): ours when any frame is ours. Leaks: by the
// code that allocated: ours when the first frame past the allocator is ours (our code or ENet),
// 'ours via N-API' when the frames above our first one are only Node-API/libuv (an object Node
// allocated on our behalf and that we never released), not ours when V8 or Node allocated it
// for itself (e.g. heap pages touched during one of our calls, never freed at process.exit()).
const frameLine = /^\s*(#\d+ |at 0x|by 0x)/;
const allocator = /__interceptor_|asan_|libsanitizer|vg_replace_malloc|operator new|operator delete|\b(malloc|calloc|realloc|posix_memalign|aligned_alloc|memalign)\b/;
const napiLayer = /napi_|v8impl|node_api|js_native_api|node::(Buffer|AddEnvironmentCleanupHook|RemoveEnvironmentCleanupHook|EmitAsyncInit|InternalCallbackScope|CallbackScope|MakeCallback|async_)|\buv_/;
function ownership(report) {
  const frames = report.body.filter((line) => frameLine.test(line));
  const ownIndex = frames.findIndex((line) => ours.test(line));
  if (ownIndex < 0) return 'theirs';
  if (report.kind !== 'leak') return 'ours';
  const top = frames.slice(0, ownIndex).filter((line, i, all) => !(allocator.test(line) && all.slice(0, i).every((f) => allocator.test(f))));
  if (top.length === 0) return 'ours';
  if (top.every((line) => napiLayer.test(line))) return 'ours via N-API';
  return 'theirs';
}
const isOurs = (report) => ownership(report) !== 'theirs';
const key = (report) => report.kind === 'ubsan' ? report.head.replace(/^.*?(\.\.\/|\.\/)/, '') : report.kind + '\n' + report.body.slice(1)
  .map((line) => line.replace(/^\s*#\d+\s+0x[0-9a-f]+\s+/, '').replace(/\(\/.*?\+0x[0-9a-f]+\)/, '').replace(/0x[0-9a-f]+/g, ''))
  .slice(0, 12).join('\n');
const groups = new Map();
for (const report of reports) {
  const k = key(report);
  if (report.file === '../vitest.log' && groups.has(k)) continue;  // already in a log file
  const group = groups.get(k) ?? { ...report, count: 0, pids: new Set(), bytes: 0, ours: isOurs(report), owner: ownership(report) };
  group.count++;
  group.pids.add(report.pid);
  const bytes = /of (\d+) byte/.exec(report.head) || /([\d,]+) bytes in/.exec(report.head);
  if (bytes) group.bytes += Number(bytes[1].replace(/,/g, ''));
  groups.set(k, group);
}
const mine = [...groups.values()].filter((group) => group.ours);
const theirs = [...groups.values()].filter((group) => !group.ours);
const processes = new Set(files.map((file) => file.split('.').pop()));
console.log(`${files.length} log file(s) from ${processes.size} process(es); ${reports.length} report(s) in ${groups.size} distinct stack(s)`);
console.log(`involving our code (native/, deps/src/{enet,zlib,zstd}, the addon): ${mine.length}`);
for (const group of mine) {
  console.log(`\n--- ${group.kind} (${group.owner}), seen ${group.count}x in ${group.pids.size} process(es)${group.bytes ? `, ${group.bytes} bytes in all` : ''} (${group.file})`);
  console.log(group.body.slice(0, 45).join('\n'));
}
const byKind = {};
for (const group of theirs) {
  byKind[group.kind] ??= { stacks: 0, reports: 0, bytes: 0 };
  byKind[group.kind].stacks++;
  byKind[group.kind].reports += group.count;
  byKind[group.kind].bytes += group.bytes;
}
console.log(`\nnode/V8/other internals only (not ours): ${JSON.stringify(byKind)}`);
// One line per node/V8 leak site: where it was allocated, and whether our code was further down.
for (const group of theirs.filter((g) => g.kind === 'leak').sort((a, b) => b.bytes - a.bytes)) {
  const frames = group.body.filter((line) => frameLine.test(line));
  const site = frames.find((line) => !allocator.test(line)) ?? frames[0] ?? group.head;
  const name = site.replace(/^\s*(#\d+\s+0x[0-9a-f]+ in |at 0x[0-9A-F]+: |by 0x[0-9A-F]+: )/, '').replace(/\(.*$/, '').slice(0, 90);
  const below = frames.some((line) => ours.test(line)) ? ' (our code further down the stack)' : '';
  console.log(`  ${String(group.bytes).padStart(7)} bytes, ${String(group.count).padStart(4)}x  ${name}${below}`);
}
for (const group of theirs.filter((g) => g.kind !== 'leak')) {
  console.log(`\n--- (not ours) ${group.kind}, seen ${group.count}x`);
  console.log(group.body.slice(0, 20).join('\n'));
}
process.exitCode = mine.length > 0 ? 1 : 0;
EOF
report_status=$?
set -e

# vitest colours its output when CI is set: read it without the escapes.
sed -i 's/\x1b\[[0-9;]*m//g' .memcheck/vitest.log
# Lines of the Godot suites are left out: they provoke Godot's own crash on purpose, name it and
# print how Godot exited (test/godot/transport-compression.test.ts); Godot runs unsanitized.
crashed=$(grep -E 'SIGABRT|SIGSEGV|AddressSanitizer' .memcheck/vitest.log | grep -cvE 'Godot|godot-(server|client):' || true)
say "summary"
echo "mode: $mode; vitest exit status: $vitest_status; sanitizer/valgrind findings in our code: $([ $report_status = 0 ] && echo none || echo yes)"
echo "lines in the vitest output mentioning a crash or ASan: $crashed"
grep -E '^\s+(Test Files|Tests)\s' .memcheck/vitest.log | tail -4 || true
if [ "$mode" = valgrind ]; then
  echo "valgrind, over $(ls "$logs" | wc -l) process(es): $(cat "$logs"/valgrind.* | awk '/ERROR SUMMARY/ { e += $4 } /definitely lost:/ { gsub(",", "", $4); d += $4 } /indirectly lost:/ { gsub(",", "", $4); i += $4 } END { printf "%d error(s) in all (mostly V8 scanning its stack conservatively; the findings above say which are ours), %d bytes definitely lost, %d bytes indirectly lost", e, d, i }')"
fi
if [ -f .memcheck/lsan.supp ] && grep -qh 'Suppressions used' "$logs"/asan.* 2>/dev/null; then
  echo "LSan suppressions used (node/V8 only):"
  grep -h -A12 'Suppressions used' "$logs"/asan.* | grep -E '^\s+[0-9]+\s+[0-9]+\s' | awk '{ n[$3] += $1; b[$3] += $2 } END { for (k in n) printf "  %-40s %6d leaks %10d bytes\n", k, n[k], b[k] }'
fi
echo "runtime: $(( $(date +%s) - started )) s"
[ "$report_status" = 0 ] || status=1
[ "$crashed" = 0 ] || status=1
# Under ASan the suite must pass as it does without; under valgrind, tests that time out because
# everything runs some 20 times slower are not findings.
[ "$mode" = valgrind ] || [ "$vitest_status" = 0 ] || status=1
grep -qE '^\s+Tests\s' .memcheck/vitest.log || { echo "memcheck: vitest did not run (see the output above)"; status=2; }
exit $status
