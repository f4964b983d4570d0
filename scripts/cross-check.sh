#!/usr/bin/env bash
# Windows cross-check: compiles every native source of the addon for x86_64-w64-mingw32 and
# links the objects into a DLL, on this (Linux) machine. Nothing is run; nothing is written
# inside the checkout.
#
#   scripts/cross-check.sh [--keep] [--out FILE]
#
# --out FILE keeps the linked addon, stripped, as FILE: the win32-x64 prebuild
# (scripts/prebuilds.js). libstdc++, libgcc and winpthread are linked in statically either way,
# so it needs only Windows' own DLLs and node.exe.
#
# The sources, defines, include folders and libraries are read from binding.gyp and the gyp
# files it depends on, evaluated for OS=="win" (the `<!@(node fetch.js --sources …)` lists
# included), so nothing here repeats them. Our files (native/) are compiled as ISO C11 / C++17
# with -Wall -Wextra -Werror, the closest mingw gets to MSVC's /std:c11; ENet, mbedTLS, zlib and
# zstd with warnings off, as the gyp files build them. Then:
# - no C object may call winpthreads (pthread_*, clock_*, …): mingw has it, MSVC does not;
# - the link resolves Node-API and libuv against an import library made from the names the
#   objects import (mingw has no node.lib), and the rest against the libraries binding.gyp
#   declares for Windows, so a missing system library or a function left undefined on Windows
#   fails the check.
#
# mingw-w64 is installed with apt-get when missing (as root). Node's headers come from the
# nodedir npm is configured with, node-gyp's download cache, or next to this node binary.
# Exit status: 0 when everything compiled and linked, 1 otherwise, 2 on a setup error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
keep=0
out=
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "cross-check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "cross-check: $*" >&2; exit 2; }
started=$(date +%s)

# ---- tools --------------------------------------------------------------------------------------
# The posix thread model: node-addon-api's napi.h needs std::mutex, which GCC 12's win32 model lacks.
target=x86_64-w64-mingw32
cc=$target-gcc-posix
cxx=$target-g++-posix
if ! command -v "$cc" >/dev/null || ! command -v "$cxx" >/dev/null; then
  [ "$(id -u)" = 0 ] ||
    die "mingw-w64 is missing: apt-get install gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 (needs root)"
  echo "installing mingw-w64"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 >/dev/null
fi
for tool in "$cc" "$cxx" "$target-nm" "$target-dlltool" "$target-objdump" python3 make; do
  command -v "$tool" >/dev/null || die "$tool was not found"
done

nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
version=$(node -p process.versions.node)
headers=
for dir in "$nodedir/include/node" "${XDG_CACHE_HOME:-$HOME/.cache}/node-gyp/$version/include/node" \
           "$(dirname "$(dirname "$(node -p process.execPath)")")/include/node"; do
  if [ -f "$dir/node_api.h" ] && [ -f "$dir/uv/win.h" ]; then headers=$dir; break; fi
done
[ -n "$headers" ] || die "no Node headers with uv/win.h found (run node-gyp install, or set npm_config_nodedir)"

work=$(mktemp -d "${TMPDIR:-/tmp}/godot-enet-cross.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "cross-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- what to compile, from the gyp files --------------------------------------------------------
# A make rule per source; what to link (objects, then libraries), one a line, in link.txt.
python3 - "$root" "$work" "$cc" "$cxx" "$headers" > "$work/Makefile" <<'PYTHON' || die "could not read the gyp files"
import ast, os, shlex, subprocess, sys

root, work, cc, cxx, headers = sys.argv[1:]
variables = {'OS': 'win', 'target_arch': 'x64'}
keys = ('sources', 'defines', 'include_dirs', 'libraries', 'dependencies')
# What node-gyp (addon.gypi) and Node's common.gypi define for every addon on Windows.
node_defines = ['NODE_GYP_MODULE_NAME=godot_enet', 'USING_UV_SHARED=1', 'USING_V8_SHARED=1',
                'BUILDING_NODE_EXTENSION', 'WIN32', '_CRT_SECURE_NO_DEPRECATE', '_CRT_NONSTDC_NO_DEPRECATE']

def load(path):
    with open(path) as f:
        return ast.literal_eval(f.read())

def expand(value, here):
    """A gyp string whose leading <!(command) or <!@(command) is run in `here`."""
    for prefix, split in (('<!@(', True), ('<!(', False)):
        if value.startswith(prefix):
            depth, end = 1, len(prefix)
            while depth:
                depth += {'(': 1, ')': -1}.get(value[end], 0)
                end += 1
            out = subprocess.run(value[len(prefix):end - 1], shell=True, cwd=here, check=True,
                                 capture_output=True, text=True).stdout
            return [word + value[end:] for word in (out.split() if split else [out.strip()])]
    return [value]

def collect(node, here, into):
    """Merges a settings dict: its keys, its includes, its conditions as they hold on Windows."""
    for include in node.get('includes', []):
        collect(load(os.path.join(here, include)), here, into)
    for key in keys:
        for value in node.get(key, []):
            for word in expand(value, here):
                if key in ('sources', 'include_dirs'):
                    word = os.path.normpath(os.path.join(here, word))
                into.setdefault(key, []).append(word)
    for condition in node.get('conditions', []):
        branch = condition[1] if eval(condition[0], {}, dict(variables)) else (condition[2:3] or [None])[0]
        if branch:
            collect(branch, here, into)

targets = {}  # (gyp file, name): (its settings, the settings it gives its dependents)

def visit(gyp, name):
    if (gyp, name) in targets:
        return
    here = os.path.dirname(gyp)
    found = [t for t in load(gyp)['targets'] if t['target_name'] == name]
    if not found:
        sys.exit(f'no target {name} in {gyp}')
    own, given = {}, {}
    collect(found[0], here, own)
    collect(found[0].get('direct_dependent_settings', {}), here, given)
    targets[(gyp, name)] = (own, given)
    for dependency in own.get('dependencies', []):
        path, _, dependency_name = dependency.rpartition(':')
        key = (os.path.normpath(os.path.join(here, path)), dependency_name)
        visit(*key)
        for setting in ('defines', 'include_dirs'):
            own.setdefault(setting, []).extend(targets[key][1].get(setting, []))

visit(os.path.join(root, 'binding.gyp'), 'godot_enet')

native = os.path.join(root, 'native') + os.sep
rules, objects, libraries = [], [], []
for (gyp, name), (own, _) in targets.items():
    flags = [f'-D{define}' for define in node_defines + own.get('defines', [])]
    # Headers other than ours are system headers: their warnings are not ours to fix.
    for folder in own.get('include_dirs', []) + [headers]:
        flags += ['-I', folder] if (folder + os.sep).startswith(native) else ['-isystem', folder]
    for source in own.get('sources', []):
        if not source.endswith(('.c', '.cc')):
            continue
        ours = source.startswith(native)
        cpp = source.endswith('.cc')
        command = [cxx if cpp else cc, '-c', '-O2']
        command += ['-std=c++17'] if cpp else (['-std=c11'] if ours else [])
        command += ['-Wall', '-Wextra', '-Wvla', '-Werror'] if ours else ['-w']
        obj = os.path.join(work, 'obj', name, os.path.relpath(source, root) + '.o')
        command += flags + [source, '-o', obj]
        rules.append(f'{obj}: {source}\n\t@mkdir -p {os.path.dirname(obj)}\n\t@{shlex.join(command)}\n')
        objects.append(obj)
    libraries += own.get('libraries', [])

with open(os.path.join(work, 'link.txt'), 'w') as f:
    f.write(''.join(f'{line}\n' for line in objects + libraries))
print('all: ' + ' '.join(objects) + '\n')
print('\n'.join(rules))
PYTHON

# ---- compile ------------------------------------------------------------------------------------
mapfile -t inputs < "$work/link.txt"
objects=() libraries=()
for input in "${inputs[@]}"; do
  case "$input" in *.o) objects+=("$input") ;; *) libraries+=("$input") ;; esac
done
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "compiling ${#objects[@]} sources for $target ($jobs jobs; Node headers: $headers)"
status=0
make -k -O -j"$jobs" -f "$work/Makefile" all || status=1

if [ "$status" = 0 ]; then
  # ---- no POSIX emulation ---------------------------------------------------------------------------
  # (The C++ objects do call it: libstdc++'s std::mutex is pthread's in mingw, MSVC's STL is not.)
  posix=$("$target-nm" -A -u $(printf '%s\n' "${objects[@]}" | grep '\.c\.o$') |
    awk '{ sub(/^__imp_/, "", $NF) } $NF ~ /^(pthread_|sched_|sem_|clock_|nanosleep)/ { print }' || true)
  if [ -n "$posix" ]; then
    echo "calls to winpthreads, which MSVC builds do not have:"
    echo "$posix"
    status=1
  fi
fi

if [ "$status" = 0 ]; then
  # ---- link ---------------------------------------------------------------------------------------
  # node.exe exports Node-API and libuv to addons; an import library for what the objects use.
  { echo 'LIBRARY node.exe'; echo 'EXPORTS'
    "$target-nm" -u "${objects[@]}" | awk '{ sub(/^__imp_/, "", $2) } $2 ~ /^(napi_|node_api_|uv_)/ { print $2 }' | sort -u
  } > "$work/node.def"
  "$target-dlltool" -d "$work/node.def" -l "$work/libnode.a"
  echo "linking godot_enet.node ($(($(wc -l < "$work/node.def") - 2)) Node-API/libuv imports; libraries: ${libraries[*]})"
  # -static: libstdc++, libgcc and winpthread (std::mutex) from their archives, not DLLs.
  "$cxx" -shared -static -s -o "$work/godot_enet.node" "${objects[@]}" \
    "$work/libnode.a" "${libraries[@]}" || status=1
fi

if [ "$status" = 0 ]; then
  # Only DLLs that every Windows has, and node.exe, may be imported.
  imports=$("$target-objdump" -p "$work/godot_enet.node" | awk '/DLL Name:/ { print tolower($3) }' | sort -u)
  foreign=$(grep -vxE 'node\.exe|kernel32\.dll|msvcrt\.dll|ws2_32\.dll|bcrypt\.dll|advapi32\.dll|api-ms-win-.*\.dll' <<< "$imports" || true)
  echo "imports: $(echo $imports)"
  if [ -n "$foreign" ]; then
    echo "imports DLLs that Windows does not ship: $foreign"
    status=1
  fi
  if [ "$status" = 0 ] && [ -n "$out" ]; then cp "$work/godot_enet.node" "$out"; fi
fi

echo "runtime: $(( $(date +%s) - started )) s"
if [ "$status" = 0 ]; then echo "cross-check: ok"; else echo "cross-check: FAILED"; fi
exit $status
