// The Node side of the Game node the RPC test programs have (project/rpc_game.gd): the same
// @rpc methods (Godot checks a hash of their names), with what each call does here.
import type { RpcMethod, RpcMethods } from '../../lib/index';

/** Every accepted call, in order. */
export interface Call {
  method: string;
  sender: number;
  args: unknown[];
}

/** The methods of rpc_game.gd; `calls` collects every call they accept, `handlers` run after. */
export function gameMethods(calls: Call[], handlers: Partial<Record<string, RpcMethod['call']>> = {}): RpcMethods {
  const declared: Record<string, Omit<RpcMethod, 'call'>> = {
    act: { mode: 'any_peer', args: ['String', 'int'] },
    echo: { mode: 'any_peer', args: ['int', 'Variant'] },
    reply: { args: ['int', 'Variant'] },
    ping: { mode: 'any_peer', args: ['int', 'String'] },
    chat: { mode: 'any_peer', args: ['String'] },
    only_authority: { args: ['int'] },
    bytes: { mode: 'any_peer', args: ['PackedByteArray'] },
    nothing: { mode: 'any_peer' },
    fast: { mode: 'any_peer', transferMode: 'unreliable', channel: 2, args: ['int'] },
    ordered: { mode: 'any_peer', transferMode: 'unreliable_ordered', channel: 3, args: ['int'] },
    announce: { sync: 'call_local', args: ['String'] },
    configured: { mode: 'any_peer', args: ['int'], rpcConfig: true },
  };
  return Object.fromEntries(Object.entries(declared).map(([method, config]) => [method, {
    ...config,
    call: (sender: number, ...args: unknown[]) => {
      calls.push({ method, sender, args });
      handlers[method]?.(sender, ...args);
    },
  }]));
}
