// Builds a valid EndpointConfig for tests through the real validator (so defaults are the real ones).

import { parseEndpoints } from '../../src/core/config.ts';
import type { EndpointConfig } from '../../src/core/config.ts';

export function endpoint(overrides: Record<string, unknown> = {}): EndpointConfig {
  const { endpoints, issues } = parseEndpoints([{ name: 'orders-mcp', kind: 'sse', url: 'http://127.0.0.1:9/events', ...overrides }]);
  if (issues.length > 0 || !endpoints[0]) throw new Error(`bad test endpoint: ${JSON.stringify(issues)}`);
  return endpoints[0];
}
