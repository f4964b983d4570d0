// A worker thread's share of the bots (runBots with threads > 1): runs a BotGroup when told to
// go, posts its snapshots each second and its result at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { BotGroup, GroupResult, GroupSnapshot } from './BotGroup';
import { CheckedBotsOptions } from './options';

/** Messages between runBots and a worker. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'go'; startAt: number }
  | { type: 'stop' }
  | { type: 'snapshot'; second: number; snapshot: GroupSnapshot }
  | { type: 'result'; result: GroupResult };

if (parentPort) {
  const port = parentPort;
  const { options, indices } = workerData as { options: CheckedBotsOptions; indices: number[] };
  let group: BotGroup | undefined;
  let stopped = false;
  port.on('message', (message: WorkerMessage) => {
    if (message.type === 'go') {
      group = new BotGroup(options, indices, message.startAt, (second, snapshot) => port.postMessage({ type: 'snapshot', second, snapshot }));
      if (stopped) group.stop();
      void group.run().then((result) => port.postMessage({ type: 'result', result } satisfies WorkerMessage));
    } else if (message.type === 'stop') {
      stopped = true;
      group?.stop();
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
