{
  'targets': [
    {
      'target_name': 'godot_enet',
      'sources': [
        'native/addon.cc',
        'native/borrowed_slab.cc',
        'native/certificate.cc',
        'native/codec_binding.cc',
        'native/compress/compressor.c',
        'native/compress/fastlz.c',
        'native/compress/fastlz_codec.c',
        'native/compress/zlib_codec.c',
        'native/compress/zstd_codec.c',
        'native/connection.cc',
        'native/connection_dtls.cc',
        'native/connection_events.cc',
        'native/connection_limits.cc',
        'native/connection_sends.cc',
        'native/enet_memory.cc',
        'native/event_pump.cc',
        'native/packet_buffer.cc',
        'native/packet_peer.cc',
        'native/platform/address.c',
        'native/platform/address_map.c',
        'native/platform/admission.c',
        'native/platform/dtls.c',
        'native/platform/dtls_suites.c',
        'native/platform/os_posix.c',
        'native/platform/os_win32.c',
        'native/platform/socket.c',
        'native/platform/socket_state.c',
        'native/platform/system.c',
        'native/range_coder.c',
      ],
      'dependencies': [
        'deps/enet.gyp:enet',
        'deps/mbedtls.gyp:mbedtls',
        'deps/zlib.gyp:zlib',
        'deps/zstd.gyp:zstd',
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'include_dirs': [ 'native' ],
      'defines': [ 'NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS' ],
      'cflags': [ '-O2', '-fvisibility=hidden' ],
      'cflags_cc': [ '-std=c++17' ],
      'conditions': [
        [ 'OS=="win"', {
          'libraries': [ '-lws2_32', '-lbcrypt' ],
          # <windows.h> (through ENet's <winsock2.h> and uv.h) would define macros such as min(),
          # max() and, through <rpcndr.h>, small.
          'defines': [ 'NOMINMAX', 'WIN32_LEAN_AND_MEAN' ],
          # Our C needs C11 (_Static_assert); MSVC's C compiler defaults to C89 with extensions.
          'msvs_settings': { 'VCCLCompilerTool': { 'LanguageStandard_C': 'stdc11' } },
        } ],
        [ 'OS=="mac"', {
          'xcode_settings': {
            'MACOSX_DEPLOYMENT_TARGET': '11.0',
            'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
            'GCC_C_LANGUAGE_STANDARD': 'gnu11',
            'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',   # -fvisibility=hidden, as 'cflags' gives Linux
          },
        } ],
      ],
    },
  ],
}
