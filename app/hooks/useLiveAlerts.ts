/**
 * Alert events from `/ws` for pages other than the overview: one connection for the page's
 * lifetime, subscribed to every stream (the hub relays each alert version: opened, escalated,
 * acknowledged, resolved). Ticks and messages of that subscription are ignored here.
 */
import { useEffect, useRef, useState } from 'react';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { LiveClient, liveUrl, type Connection } from '../lib/live-client.ts';

export function useLiveAlerts(onAlert: (alert: LiveAlert) => void): Connection {
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const handler = useRef(onAlert);
  handler.current = onAlert;

  useEffect(() => {
    const client = new LiveClient(liveUrl(window.location), {
      event: (event) => {
        if (event.type !== 'alert') return;
        const { type: _type, ...alert } = event;
        handler.current(alert);
      },
      connection: setConnection,
    });
    // The shortest window: its snapshot is the smallest the hub sends.
    client.subscribe({ type: 'subscribe', streams: 'all', window: '5m' });
    return () => client.close();
  }, []);

  return connection;
}
