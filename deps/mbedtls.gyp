# mbedTLS 3.6 LTS, compiled from the pinned Debian source tarball with its default configuration
# (DTLS 1.2, cookies, timing) adjusted by mbedtls_user_config.h (no TLS 1.3, thread-safe
# internals). Only library/ is built: no programs, no tests.
{
  'targets': [
    {
      'target_name': 'mbedtls',
      'type': 'static_library',
      'sources': [ '<!@(node fetch.js --sources mbedtls library)' ],
      'include_dirs': [ 'src/mbedtls/include', 'src/mbedtls/library', '.' ],
      'defines': [ 'MBEDTLS_USER_CONFIG_FILE="mbedtls_user_config.h"' ],
      'direct_dependent_settings': {
        'include_dirs': [ 'src/mbedtls/include', '.' ],
        'defines': [ 'MBEDTLS_USER_CONFIG_FILE="mbedtls_user_config.h"' ],
      },
      'cflags': [ '-fPIC', '-O2', '-w' ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
