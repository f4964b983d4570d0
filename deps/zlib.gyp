# zlib 1.3.1 (the release Godot 4 bundles), compiled unmodified from the pinned Debian source
# tarball. Only the in-memory deflate/inflate core is built: no gz* file I/O, no compress()/
# uncompress() helpers, no inflateBack.
# Its symbols are hidden: Node exports its own zlib (Chromium's fork) from the node binary,
# and on Linux an exported `deflate` in the addon would be bound to node's copy instead.
{
  'targets': [
    {
      'target_name': 'zlib',
      'type': 'static_library',
      'sources': [
        '<!@(node fetch.js --sources zlib . compress.c uncompr.c infback.c gzclose.c gzlib.c gzread.c gzwrite.c)',
      ],
      'include_dirs': [ 'src/zlib' ],
      # Dependents include <zlib/zlib.h>: node-gyp puts Node's own zlib.h first on the include path.
      'direct_dependent_settings': { 'include_dirs': [ 'src' ] },
      'cflags': [ '-fPIC', '-O2', '-w', '-fvisibility=hidden' ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES', 'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
