{
  'targets': [
    {
      'target_name': 'godot_enet',
      'sources': [
        'native/addon.cc',
        'native/certificate.cc',
        'native/connection.cc',
        'native/connection_dtls.cc',
        'native/connection_events.cc',
        'native/event_pump.cc',
        'native/packet_buffer.cc',
        'native/packet_peer.cc',
        'native/platform/address.c',
        'native/platform/address_map.c',
        'native/platform/dtls.c',
        'native/platform/socket.c',
        'native/platform/socket_state.c',
        'native/platform/system.c',
        'native/range_coder.c',
      ],
      'dependencies': [
        'deps/enet.gyp:enet',
        'deps/mbedtls.gyp:mbedtls',
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'include_dirs': [ 'native' ],
      'defines': [ 'NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS' ],
      'cflags': [ '-O2', '-fvisibility=hidden' ],
      'cflags_cc': [ '-std=c++17' ],
      'conditions': [
        [ 'OS=="win"', { 'libraries': [ '-lws2_32', '-lbcrypt' ] } ],
        [ 'OS=="mac"', { 'xcode_settings': { 'MACOSX_DEPLOYMENT_TARGET': '11.0', 'CLANG_CXX_LANGUAGE_STANDARD': 'c++17' } } ],
      ],
    },
  ],
}
