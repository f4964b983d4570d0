// Whether this test process runs under scripts/memcheck.sh (ASan or valgrind). There, RSS
// measures the sanitizer's own bookkeeping (ASan keeps freed memory in quarantine) rather than
// ours, and leaks are LeakSanitizer's or valgrind's to find; everything runs several times slower.
export const sanitized = /asan|valgrind/i.test(`${process.env.LD_PRELOAD ?? ''} ${process.env.GODOT_ENET_MEMCHECK ?? ''}`);
export const slow = sanitized ? 4 : 1;

/**
 * This process's environment without memcheck.sh's preloaded sanitizer and addon pin: for child
 * processes that run only third-party tooling (TypeDoc), which would just be slowed down.
 */
export function withoutSanitizer(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { LD_PRELOAD, NODE_OPTIONS, ASAN_OPTIONS, LSAN_OPTIONS, UBSAN_OPTIONS, GODOT_ENET_MEMCHECK, ...rest } = env;
  return rest;
}
