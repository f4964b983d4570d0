// What versions.chacha20Poly1305 and versions.aesGcm should say in this test run: Node's own
// OpenSSL, by its version, unless the run turned it off (GODOT_ENET_HOST_OPENSSL=0), or for
// ChaCha20-Poly1305 Node runs in FIPS mode, which has no ChaCha20 (then mbedTLS's own code).
// Shared by the DTLS, worker and package tests.
import { getFips } from 'node:crypto';

function nodeOpenssl(): RegExp {
  const version = process.versions.openssl.replace(/\+.*$/, '').replaceAll('.', '\\.');
  return new RegExp(`^OpenSSL ${version} .*\\(the host's\\)$`);
}

export function expectedChaCha20Poly1305(): RegExp {
  if (process.env.GODOT_ENET_HOST_OPENSSL === '0' || getFips() === 1) return /^mbedTLS 3\.6\.\d+ \(portable C\)$/;
  return nodeOpenssl();
}

export function expectedAesGcm(): RegExp {
  if (process.env.GODOT_ENET_HOST_OPENSSL === '0') return /^mbedTLS 3\.6\.\d+ \(its own GCM\)$/;
  return nodeOpenssl();
}
