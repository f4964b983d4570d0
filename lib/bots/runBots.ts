import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BotGroup, GroupResult, GroupSnapshot } from './BotGroup';
import { BotsOptions, CheckedBotsOptions, checkBotsOptions } from './options';
import { BotsProgress, BotsSummary, progress, summarize } from './summary';
import type { WorkerMessage } from './worker';

/** One thread's bots, seen from the thread that runs the load test. */
interface Group {
  /**
   * Starts its bots' schedule at `startAt` (ms since the epoch), reporting a snapshot each
   * second; resolves with its figures.
   */
  run(startAt: number, onSnapshot: SnapshotListener): Promise<GroupResult>;
  /** Ends its run now. */
  stop(): void;
  /** Ends its thread at once, run or not (after a failure elsewhere). */
  dispose(): void;
}

type SnapshotListener = (second: number, snapshot: GroupSnapshot) => void;
/** The worker script, compiled: dist/bots/worker.js from lib/bots/ (tests) and from dist/bots/. */
const WORKER_SCRIPT = join(__dirname, '..', '..', 'dist', 'bots', 'worker.js');

/**
 * Load-tests a Godot 4 server: `count` bots join it as stock Godot 4 clients do
 * (ENetMultiplayerPeer and SceneMultiplayer, authenticating with `token`, over DTLS with
 * `dtlsHostname`), `rampPerSecond` at a time, and each sends `rateHz` messages a second, raw
 * bytes (`send_bytes`) or calls of `rpc`, for `durationS` seconds after the last one started;
 * then they leave gracefully. Bots spread over `threads` worker threads. Resolves with the
 * summary; never rejects for what the server does (refusals and disconnects are counted).
 * Rejects with ENetError ERR_INVALID_PARAMETER for bad options, and with DNS's error for a host
 * name that does not resolve.
 */
export async function runBots(options: BotsOptions): Promise<BotsSummary> {
  const checked = checkBotsOptions(options);
  // Host names are resolved once here: ENet's connect takes IP addresses.
  if (isIP(checked.address) === 0 && checked.address !== 'localhost') checked.address = (await lookup(checked.address)).address;
  const shares = Array.from({ length: checked.threads }, (_, thread) =>
    Array.from({ length: checked.count }, (_, index) => index).filter((index) => index % checked.threads === thread));
  const groups = checked.threads === 1 ? [localGroup(checked, shares[0])] : await workerGroups(checked, shares);
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    for (const group of groups) group.stop();
  };
  options.signal?.addEventListener('abort', interrupt);
  if (options.signal?.aborted) interrupt();

  const startAt = Date.now();
  const timeline: BotsProgress[] = [];
  // A second's progress is known once every thread has reported it.
  const seconds = new Map<number, GroupSnapshot[]>();
  const onSnapshot: SnapshotListener = (second, snapshot) => {
    const snapshots = seconds.get(second) ?? [];
    seconds.set(second, [...snapshots, snapshot]);
    if (snapshots.length + 1 < groups.length) return;
    seconds.delete(second);
    const now = progress(second, [...snapshots, snapshot]);
    timeline.push(now);
    options.onProgress?.(now);
  };
  try {
    const results = await Promise.all(groups.map((group) => group.run(startAt, onSnapshot)));
    return summarize(checked.count, (Date.now() - startAt) / 1000, interrupted, results, timeline);
  } catch (err) {
    for (const group of groups) group.dispose();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
  }
}

/** Bots on this thread. */
function localGroup(options: CheckedBotsOptions, indices: number[]): Group {
  let group: BotGroup | undefined;
  let stopped = false;
  return {
    run: (startAt, onSnapshot) => {
      group = new BotGroup(options, indices, startAt, onSnapshot);
      if (stopped) group.stop();
      return group.run();
    },
    stop: () => {
      stopped = true;
      group?.stop();
    },
    dispose: () => group?.stop(),
  };
}

/** A group per share of the bots, each on its worker thread; none left running if one fails to start. */
async function workerGroups(options: CheckedBotsOptions, shares: number[][]): Promise<Group[]> {
  const started = await Promise.allSettled(shares.map((share) => workerGroup(options, share)));
  const failed = started.find((result) => result.status === 'rejected');
  const groups = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (!failed) return groups;
  for (const group of groups) group.dispose();
  throw failed.reason;
}

/** Bots on a worker thread; resolves once the worker has loaded the addon. */
async function workerGroup(options: CheckedBotsOptions, indices: number[]): Promise<Group> {
  const worker = new Worker(WORKER_SCRIPT, { workerData: { options, indices } });
  // What the worker's next answer settles: first its readiness, then its result.
  let settle: { resolve: (result?: GroupResult) => void; reject: (error: Error) => void } | undefined;
  const answer = () => new Promise<GroupResult | undefined>((resolve, reject) => { settle = { resolve, reject }; });
  let onSnapshot: SnapshotListener = () => {};
  const remote: Group = {
    run: (startAt, listener) => {
      onSnapshot = listener;
      const result = answer() as Promise<GroupResult>;
      worker.postMessage({ type: 'go', startAt } satisfies WorkerMessage);
      return result;
    },
    stop: () => worker.postMessage({ type: 'stop' } satisfies WorkerMessage),
    dispose: () => void worker.terminate(),
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'ready') settle?.resolve();
    else if (message.type === 'snapshot') onSnapshot(message.second, message.snapshot);
    else if (message.type === 'result') {
      settle?.resolve(message.result);
      void worker.terminate();
    }
  });
  worker.on('error', (error) => settle?.reject(error));
  worker.on('exit', (code) => settle?.reject(new Error(`a bots worker thread exited (${code}) before its result`)));
  await answer();
  return remote;
}
