// The manifest's settings schema mirrors core/config.ts, and every command is contributed,
// categorised and activates the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULTS, ENDPOINT_KINDS, KNOWN_FIELDS, LIMITS } from '../../../src/core/config.ts';
import { COMMAND_IDS } from '../../../src/extension/commands/ids.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
const props = pkg.contributes.configuration.properties;
const item = props['streamHealth.endpoints'].items;

test('endpoint schema: kinds, URL format, required fields and no unknown fields', () => {
  assert.deepEqual(item.properties.kind.enum, [...ENDPOINT_KINDS]);
  assert.equal(item.properties.kind.markdownEnumDescriptions.length, ENDPOINT_KINDS.length);
  assert.equal(item.properties.url.format, 'uri');
  assert.deepEqual(item.required, ['name', 'kind', 'url']);
  assert.equal(item.additionalProperties, false);
});

test('every field the schema offers is one the core knows, so neither warns about the other', () => {
  const fields = (schema: { properties: Record<string, unknown> }) => Object.keys(schema.properties);
  const known = (list: readonly string[], schema: { properties: Record<string, unknown> }, where: string) => {
    for (const key of fields(schema)) assert.ok(list.includes(key), `${where}${key} is not in KNOWN_FIELDS`);
  };
  known(KNOWN_FIELDS.endpoint, item, '');
  for (const where of ['reconnect', 'grpc', 'tls', 'websocket'] as const) known(KNOWN_FIELDS[where], item.properties[where], `${where}.`);
});

test('numeric ranges and defaults come from LIMITS and DEFAULTS', () => {
  const check = (schema: { minimum: number; maximum: number; default: number }, limit: { min: number; max: number }, def: number, where: string) => {
    assert.equal(schema.minimum, limit.min, `${where}.minimum`);
    assert.equal(schema.maximum, limit.max, `${where}.maximum`);
    assert.equal(schema.default, def, `${where}.default`);
  };
  check(item.properties.heartbeatSeconds, LIMITS.heartbeatSeconds, DEFAULTS.heartbeatSeconds, 'heartbeatSeconds');
  check(item.properties.idleTimeoutSeconds, LIMITS.idleTimeoutSeconds, DEFAULTS.idleTimeoutSeconds, 'idleTimeoutSeconds');
  check(item.properties.maxMessageBytes, LIMITS.maxMessageBytes, DEFAULTS.maxMessageBytes, 'maxMessageBytes');
  check(item.properties.grpc.properties.keepaliveSeconds, LIMITS.keepaliveSeconds, DEFAULTS.grpc.keepaliveSeconds, 'grpc.keepaliveSeconds');
  for (const key of Object.keys(DEFAULTS.reconnect) as (keyof typeof DEFAULTS.reconnect)[]) {
    check(item.properties.reconnect.properties[key], LIMITS[key], DEFAULTS.reconnect[key], `reconnect.${key}`);
  }
  assert.equal(item.properties.grpc.properties.method.default, DEFAULTS.grpc.method);
  assert.equal(item.properties.tls.properties.rejectUnauthorized.default, DEFAULTS.tls.rejectUnauthorized);
});

test('every field of every setting has a markdownDescription', () => {
  const missing: string[] = [];
  const walk = (schema: Record<string, any>, path: string) => {
    if (!schema.markdownDescription && !path.endsWith('.items')) missing.push(path);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) walk(sub as Record<string, any>, `${path}.${key}`);
    if (schema.items) walk(schema.items, `${path}.items`);
  };
  for (const [key, schema] of Object.entries(props)) walk(schema as Record<string, any>, key);
  assert.deepEqual(missing, []);
});

test('workspace trust: limited support with the endpoints setting restricted', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  // Endpoints carry URLs, headers and TLS options; defaults could make user endpoints hammer a server;
  // a workspace's discovery "all" could start servers nobody chose.
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['streamHealth.endpoints', 'streamHealth.defaults', 'streamHealth.discovery']);
  assert.equal(props['streamHealth.notifications'].default, true);
});

test('every command is contributed with the Stream Health category and activates the extension', () => {
  const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Stream Health', c.command);
  for (const id of COMMAND_IDS) assert.ok(pkg.activationEvents.includes(`onCommand:${id}`), id);
  assert.ok(pkg.activationEvents.includes('onWebviewPanel:streamHealth.dashboard'));
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
  assert.equal(pkg.engines.vscode, '^1.139.0');
  assert.equal(pkg.main, './dist/extension.cjs');
});

test('docs/extension.md, the packaged README, has no relative links (vsce refuses them without a repository URL)', () => {
  const text = readFileSync(new URL('../../../docs/extension.md', import.meta.url), 'utf8');
  const relative = [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!).filter((href) => !/^(https?:|#|mailto:)/.test(href));
  assert.deepEqual(relative, []);
});
