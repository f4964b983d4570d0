# ENet 1.3.18 core, compiled unmodified from the pinned Debian source tarball.
# unix.c and win32.c are left out: native/platform provides the socket, address and time layer.
{
  'targets': [
    {
      'target_name': 'enet',
      'type': 'static_library',
      'sources': [ '<!@(node fetch.js --sources enet . unix.c win32.c)' ],
      'include_dirs': [ 'src/enet/include' ],
      'direct_dependent_settings': { 'include_dirs': [ 'src/enet/include' ] },
      'cflags': [ '-fPIC', '-O2', '-w' ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
