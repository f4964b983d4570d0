# mbedTLS 3.6 LTS, compiled from the pinned Debian source tarball with its default configuration
# (DTLS 1.2, cookies, timing) adjusted by mbedtls_user_config.h (no TLS 1.3, thread-safe
# internals). Only library/ is built: no programs, no tests. With it, godot-enet's own
# ChaCha20-Poly1305 and GCM (MBEDTLS_CHACHAPOLY_ALT, MBEDTLS_GCM_ALT, native/crypto), so that
# the archive stands alone.
{
  'targets': [
    {
      'target_name': 'mbedtls',
      'type': 'static_library',
      'sources': [
        '<!@(node fetch.js --sources mbedtls library)',
        '../native/crypto/chachapoly_alt.c',
        '../native/crypto/gcm_alt.c',
        '../native/crypto/host_aead.c',
        '../native/crypto/software_gcm.c',
      ],
      'include_dirs': [ 'src/mbedtls/include', 'src/mbedtls/library', '.', '../native/crypto' ],
      'defines': [ 'MBEDTLS_USER_CONFIG_FILE="mbedtls_user_config.h"' ],
      'direct_dependent_settings': {
        'include_dirs': [ 'src/mbedtls/include', '.', '../native/crypto' ],
        'defines': [ 'MBEDTLS_USER_CONFIG_FILE="mbedtls_user_config.h"' ],
      },
      'cflags': [ '-fPIC', '-O2', '-w' ],
      # host_aead.c's dlsym(): in libdl before glibc 2.34 (the prebuilds' floor is 2.31).
      'conditions': [ [ 'OS=="linux"', { 'link_settings': { 'libraries': [ '-ldl' ] } } ] ],
      'cflags!': [ '-Wall', '-Wextra' ],
      'xcode_settings': { 'GCC_WARN_INHIBIT_ALL_WARNINGS': 'YES' },
      'msvs_settings': { 'VCCLCompilerTool': { 'WarningLevel': 0 } },
    },
  ],
}
