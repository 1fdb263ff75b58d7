// The secret resolver for discovered servers: `${secret:env.NAME}` reads environment variable NAME at
// connect time (falling back to the source's `${NAME:-default}`), `${secret:mcp.literal...}` a literal token
// held in memory, anything else goes to the host's own resolver (CLI environment, SecretStorage).

import type { SecretResolver } from '../core/secrets.ts';
import type { MappedServers } from './mapping.ts';
import { ENV_SECRET_PREFIX, LITERAL_SECRET_PREFIX } from './mapping.ts';

export interface DiscoverySecrets {
  readonly literals: ReadonlyMap<string, string>;
  /** `${NAME:-default}` defaults by variable name; the first server that gives one wins. */
  readonly envDefaults: ReadonlyMap<string, string>;
}

export function discoverySecrets(mapped: Pick<MappedServers, 'servers' | 'literals'>): DiscoverySecrets {
  const envDefaults = new Map<string, string>();
  for (const server of mapped.servers) {
    for (const ref of server.secrets) {
      if (ref.from === 'env' && ref.defaultValue !== undefined && !envDefaults.has(ref.envVar!)) envDefaults.set(ref.envVar!, ref.defaultValue);
    }
  }
  return { literals: mapped.literals, envDefaults };
}

/** `env` is read on every call, so a variable set later is picked up at the next connect. */
export function withDiscoverySecrets(base: SecretResolver | undefined, env: Readonly<Record<string, string | undefined>>, secrets: DiscoverySecrets): SecretResolver {
  return (name) => {
    if (name.startsWith(ENV_SECRET_PREFIX)) {
      const variable = name.slice(ENV_SECRET_PREFIX.length);
      return env[variable] || secrets.envDefaults.get(variable);
    }
    if (name.startsWith(LITERAL_SECRET_PREFIX)) return secrets.literals.get(name);
    return base?.(name);
  };
}

/** Every value the resolver could hand out from the environment or memory, for scrubbing output. */
export function discoverySecretValues(env: Readonly<Record<string, string | undefined>>, mapped: Pick<MappedServers, 'servers' | 'literals'>): string[] {
  const values = [...mapped.literals.values()];
  for (const server of mapped.servers) {
    for (const ref of server.secrets) {
      if (ref.from !== 'env') continue;
      const value = env[ref.envVar!] || ref.defaultValue;
      if (value) values.push(value);
    }
  }
  return values;
}
