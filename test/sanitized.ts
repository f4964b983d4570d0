// Whether this test process runs under scripts/memcheck.sh (ASan or valgrind). There, RSS
// measures the sanitizer's own bookkeeping (ASan keeps freed memory in quarantine) rather than
// ours, and leaks are LeakSanitizer's or valgrind's to find; everything runs several times slower.
export const sanitized = /asan|valgrind/i.test(`${process.env.LD_PRELOAD ?? ''} ${process.env.GODOT_ENET_MEMCHECK ?? ''}`);
export const slow = sanitized ? 4 : 1;
