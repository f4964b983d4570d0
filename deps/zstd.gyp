# Zstandard 1.5.7, compiled unmodified from the pinned Debian source tarball: lib/common,
# lib/compress and lib/decompress only (no dictionary builder, no legacy formats, no CLI).
# Single-threaded (ZSTD_MULTITHREAD unset, so the pool/threading/zstdmt files are left out) and
# without the x86-64 assembly Huffman decoder: ENet datagrams are at most 4 KiB, and the C
# fallback builds the same everywhere (MSVC cannot assemble the .S file).
# Symbols are hidden for the same reason as zlib's (deps/zlib.gyp): newer Node binaries carry
# their own zstd.
{
  'targets': [
    {
      'target_name': 'zstd',
      'type': 'static_library',
      'sources': [
        '<!@(node fetch.js --sources zstd lib/common pool.c threading.c)',
        '<!@(node fetch.js --sources zstd lib/compress zstdmt_compress.c)',
        '<!@(node fetch.js --sources zstd lib/decompress)',
      ],
      'defines': [ 'ZSTD_DISABLE_ASM', 'ZSTD_LEGACY_SUPPORT=0', 'ZSTDLIB_VISIBLE=', 'ZSTDERRORLIB_VISIBLE=' ],
      'include_dirs': [ 'src/zstd/lib', 'src/zstd/lib/common' ],
      # Dependents include <zstd/lib/zstd.h>, like <zlib/zlib.h> (deps/zlib.gyp).
      'direct_dependent_settings': { 'include_dirs': [ 'src' ] },
      'cflags': [ '-fPIC', '-O2', '-w', '-fvisibility=hidden' ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES', 'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
