# mbedTLS 3.6 LTS, compiled from the pinned Debian source tarball with its default configuration
# (DTLS 1.2, cookies, timing). Only library/ is built: no programs, no tests.
{
  'targets': [
    {
      'target_name': 'mbedtls',
      'type': 'static_library',
      'sources': [ '<!@(node fetch.js --sources mbedtls library)' ],
      'include_dirs': [ 'src/mbedtls/include', 'src/mbedtls/library' ],
      'direct_dependent_settings': { 'include_dirs': [ 'src/mbedtls/include' ] },
      'cflags': [ '-fPIC', '-O2', '-w' ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
