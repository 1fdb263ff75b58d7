// Pure resolution of the endpoint settings: merges user, workspace and folder layers, applies the
// `streamHealth.defaults` setting, validates with core/config.ts, and applies workspace trust
// (untrusted workspace/folder entries are blocked, user entries run). No vscode import: unit-tested.

import { parseEndpoints, formatConfigIssue, type ConfigIssue, type EndpointConfig } from '../core/config.ts';
import type { BlockedEndpoint } from '../shared/protocol.ts';

export type SettingsLevel = 'user' | 'workspace' | 'workspaceFolder';

export interface SettingsLayer {
  readonly level: SettingsLevel;
  /** For messages: "User settings", "Workspace settings", "Folder \"api\" settings". */
  readonly label: string;
  /** The raw `streamHealth.endpoints` value at this level (undefined when not set there). */
  readonly value: unknown;
}

/** The `streamHealth.defaults` setting: values for entries that omit them. */
export interface EndpointDefaults {
  readonly heartbeatSeconds?: number;
  readonly idleTimeoutSeconds?: number;
  readonly reconnect?: Readonly<Record<string, unknown>>;
  /** `auto`, `off` or a proxy URL for every entry that has no `proxy` of its own. */
  readonly proxy?: string;
}

export interface SettingsIssue {
  readonly level: SettingsLevel;
  readonly name?: string;
  /** e.g. `User settings: endpoints[2].url: not a URL`. */
  readonly text: string;
}

export interface ResolvedSettings {
  readonly endpoints: EndpointConfig[];
  /** Where each running endpoint was defined (for Add Endpoint and the secret commands). */
  readonly origin: ReadonlyMap<string, SettingsLevel>;
  readonly issues: SettingsIssue[];
  /** Unknown fields, ignored; their entries still run (or are in `issues` for another reason). */
  readonly warnings: SettingsIssue[];
  readonly blocked: BlockedEndpoint[];
}

/** Why an untrusted workspace's entry does not run, e.g. `defined in workspace settings and ...`. */
export function untrustedReason(label: string): string {
  return `defined in ${label.charAt(0).toLowerCase()}${label.slice(1)} and this workspace is not trusted; trust the workspace to connect`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fills fields an entry omits from the defaults setting; explicit entry values always win. */
export function applyDefaults(entry: unknown, defaults: EndpointDefaults | undefined): unknown {
  if (!isObject(entry) || !defaults) return entry;
  const out: Record<string, unknown> = { ...entry };
  if (out.proxy === undefined && typeof defaults.proxy === 'string') out.proxy = defaults.proxy;
  const ownHeartbeat = typeof out.heartbeatSeconds === 'number';
  if (!ownHeartbeat && typeof defaults.heartbeatSeconds === 'number') out.heartbeatSeconds = defaults.heartbeatSeconds;
  if (out.idleTimeoutSeconds === undefined) {
    // The documented rule: the idle window is 3 x the heartbeat unless set, so a slower heartbeat
    // never fails validation against a window meant for the default one.
    const heartbeat = out.heartbeatSeconds;
    if (ownHeartbeat && (heartbeat as number) > 0) out.idleTimeoutSeconds = (heartbeat as number) * 3;
    else if (typeof defaults.idleTimeoutSeconds === 'number') out.idleTimeoutSeconds = defaults.idleTimeoutSeconds;
    else if (typeof heartbeat === 'number' && heartbeat > 0) out.idleTimeoutSeconds = heartbeat * 3;
  }
  if (isObject(defaults.reconnect)) {
    out.reconnect = isObject(out.reconnect) ? { ...defaults.reconnect, ...out.reconnect } : { ...defaults.reconnect };
  }
  return out;
}

function entryName(entry: unknown): string | undefined {
  return isObject(entry) && typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
}

/**
 * Layers are applied in order (user, workspace, folders); an entry in a later layer replaces a
 * same-named entry from an earlier one. In an untrusted workspace every non-user entry is blocked.
 */
export function resolveEndpointSettings(
  layers: readonly SettingsLayer[],
  options: { readonly trusted: boolean; readonly defaults?: EndpointDefaults },
): ResolvedSettings {
  const byName = new Map<string, EndpointConfig>();
  const origin = new Map<string, SettingsLevel>();
  const issues: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const blocked: BlockedEndpoint[] = [];

  for (const layer of layers) {
    if (layer.value === undefined || layer.value === null) continue;
    if (!options.trusted && layer.level !== 'user') {
      const entries = Array.isArray(layer.value) ? layer.value : [];
      entries.forEach((entry, index) => {
        blocked.push({ name: entryName(entry) ?? `${layer.label} entry ${index + 1}`, reason: untrustedReason(layer.label) });
      });
      continue;
    }
    const withDefaults = Array.isArray(layer.value) ? layer.value.map((e) => applyDefaults(e, options.defaults)) : layer.value;
    const parsed = parseEndpoints(withDefaults);
    issues.push(...parsed.issues.map((issue) => settingsIssue(layer, issue)));
    warnings.push(...parsed.warnings.map((issue) => settingsIssue(layer, issue)));
    for (const endpoint of parsed.endpoints) {
      // Re-insert so the merged order follows the most specific definition.
      byName.delete(endpoint.name);
      byName.set(endpoint.name, endpoint);
      origin.set(endpoint.name, layer.level);
    }
  }
  return { endpoints: [...byName.values()], origin, issues, warnings, blocked };
}

function settingsIssue(layer: SettingsLayer, issue: ConfigIssue): SettingsIssue {
  // The index alone makes people count entries; the name (when usable) finds the entry at once.
  const text = formatConfigIssue(issue);
  const named = issue.name !== undefined && !text.includes(`"${issue.name}"`) ? ` (entry "${issue.name}")` : '';
  return { level: layer.level, name: issue.name, text: `${layer.label}: ${text}${named}` };
}

/** Names referenced in a raw endpoints value, for the "not started" list when trust hides values. */
export function namesIn(value: unknown): string[] {
  return Array.isArray(value) ? value.map(entryName).filter((n): n is string => n !== undefined) : [];
}
