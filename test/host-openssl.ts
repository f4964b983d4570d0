// What versions.chacha20Poly1305 should say in this test run: Node's own OpenSSL, by its version,
// unless the run turned it off (GODOT_ENET_HOST_OPENSSL=0) or Node runs in FIPS mode, which has
// no ChaCha20 (then mbedTLS's C). Shared by the DTLS, worker and package tests.
import { getFips } from 'node:crypto';

export function expectedChaCha20Poly1305(): RegExp {
  if (process.env.GODOT_ENET_HOST_OPENSSL === '0' || getFips() === 1) return /^mbedTLS 3\.6\.\d+ \(portable C\)$/;
  const nodeOpenssl = process.versions.openssl.replace(/\+.*$/, '').replaceAll('.', '\\.');
  return new RegExp(`^OpenSSL ${nodeOpenssl} .*\\(the host's\\)$`);
}
