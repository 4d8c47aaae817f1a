/**
 * How the live hub and one client's transport speak to each other. The hub holds no socket:
 * server/live-socket.ts adapts a `ws` socket to {@link LiveConnection} (encoding, close codes)
 * and hands the client's parsed events to the hub's {@link LiveSession}.
 */
import type { ClientEvent, ServerEvent } from '../contracts/live.ts';

/** Why the hub ends a connection; the transport turns it into its close code and text. */
export type CloseReason = 'shutting-down' | 'too-slow';

/** One client's connection as the hub sees it. */
export interface LiveConnection {
  /** Queues one event for the client; does nothing once the connection is no longer open. */
  send(event: ServerEvent): void;
  /** Bytes queued for the client and not yet sent. */
  readonly bufferedBytes: number;
  readonly open: boolean;
  /** Ends the connection with a closing handshake that tells the client why. */
  close(reason: CloseReason): void;
  /** Drops the connection at once, without a handshake. */
  terminate(): void;
}

/** The hub's side of one connection: what the transport calls as the client's frames arrive. */
export interface LiveSession {
  /** A valid client event. */
  receive(event: ClientEvent): void;
  /**
   * A frame that is not a valid client event: answered with a `FRAME_INVALID` error, which goes
   * out under the same queue bound as every other event. The subscription is left as it was.
   */
  refuse(reason: string): void;
  /** The connection is gone. */
  end(): void;
}
