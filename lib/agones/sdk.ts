// The official Agones Node SDK (@google-cloud/agones-sdk), an optional dependency: loaded only
// when a game server asks for Agones, so plain users never load gRPC.
import { ENetError, ErrorCode } from '../errors';

/** The package `AgonesGameServer` talks to the SDK sidecar with. */
export const AGONES_SDK_PACKAGE = '@google-cloud/agones-sdk';

/** The GameServer as the SDK reports it (the fields this library reads; the SDK gives more). */
export interface AgonesGameServerObject {
  /** Kubernetes metadata. */
  objectMeta: {
    /** The GameServer's name. */
    name: string;
    /** Labels as [key, value] pairs. */
    labelsMap: [string, string][];
    /** Annotations as [key, value] pairs. */
    annotationsMap: [string, string][];
  };
  /** Where it is and what state it is in. */
  status: {
    /** 'Scheduled', 'RequestReady', 'Ready', 'Allocated', 'Reserved', 'Shutdown', 'Unhealthy' … */
    state: string;
    /** The node's address, which clients connect to. */
    address: string;
    /** The host ports Agones gave the container's ports, which clients connect to. */
    portsList: {
      /** The port's name in the GameServer spec. */
      name: string;
      /** The host port. */
      port: number;
    }[];
  };
}

/** The part of the SDK's `AgonesSDK` class this library uses (version 1.61). */
export interface AgonesSdk {
  readonly port: string;
  readonly client: { waitForReady(deadline: number, callback: (error?: Error) => void): void };
  readonly beta: {
    setListCapacity(key: string, amount: number): Promise<void>;
    appendListValue(key: string, value: string): Promise<void>;
    deleteListValue(key: string, value: string): Promise<void>;
  };
  close(): void;
  ready(): Promise<unknown>;
  shutdown(): Promise<unknown>;
  health(errorCallback: (error: unknown) => void): void;
  getGameServer(): Promise<AgonesGameServerObject>;
  watchGameServer(callback: (gameServer: AgonesGameServerObject) => void, errorCallback: (error: unknown) => void): void;
  setLabel(key: string, value: string): Promise<unknown>;
  setAnnotation(key: string, value: string): Promise<unknown>;
}

/**
 * A new SDK client (it connects lazily, to `localhost:$AGONES_SDK_GRPC_PORT`). Throws ENetError
 * ERR_UNAVAILABLE, saying how to install it, when the optional package is missing.
 */
export function createAgonesSdk(): AgonesSdk {
  let AgonesSDK: new () => AgonesSdk;
  try {
    AgonesSDK = require(AGONES_SDK_PACKAGE);
  } catch (err) {
    if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new ENetError(ErrorCode.ERR_UNAVAILABLE, `Agones support needs the optional package ${AGONES_SDK_PACKAGE}, `
      + `which is not installed: run \`npm install ${AGONES_SDK_PACKAGE}\` (or install godot-enet without --omit=optional)`);
  }
  return new AgonesSDK();
}
