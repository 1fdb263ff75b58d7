// Client-side fix: the Stream Health settings entry (watchdog window, optional slower reconnect).

import { timesSeconds, type Snippet, type SnippetEndpoint } from './snippet.ts';

export function clientSettingsSnippet(endpoint: SnippetEndpoint, heartbeatSeconds: number, reconnect?: { initialDelaySeconds: number; maxDelaySeconds: number }): Snippet {
  const entry: Record<string, unknown> = {
    name: endpoint.name,
    heartbeatSeconds,
    idleTimeoutSeconds: timesSeconds(heartbeatSeconds, 3),
  };
  if (reconnect) entry.reconnect = reconnect;
  const { name: _name, ...settings } = entry;
  return {
    id: 'client-settings',
    side: 'client',
    title: 'Client: Stream Health watchdog (streamHealth.endpoints)',
    language: 'json',
    note: `Declare the stream dead after ${timesSeconds(heartbeatSeconds, 3)} s without data (3 missed heartbeats), then reconnect.`,
    brief: `client: ${Object.entries(settings).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}`,
    code: `${JSON.stringify(entry, null, 2)}\n`,
  };
}
