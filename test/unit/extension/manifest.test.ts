// The manifest's settings schema mirrors core/config.ts, and every command is contributed,
// categorised and activates the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, ENDPOINT_KINDS, KNOWN_FIELDS, LIMITS } from '../../../src/core/config.ts';
import { COMMAND_IDS } from '../../../src/extension/commands/ids.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync(new URL('../../../package.nls.json', import.meta.url), 'utf8'));
/** A manifest string as VS Code shows it: `%key%` looked up in package.nls.json. */
const shown = (value: string): string => (/^%.+%$/.test(value) ? nls[value.slice(1, -1)] ?? assert.fail(`${value} is not in package.nls.json`) : value);
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
  for (const c of pkg.contributes.commands) {
    assert.equal(shown(c.category), 'Stream Health', c.command);
    assert.ok(shown(c.title).length > 0, c.command);
  }
  for (const id of COMMAND_IDS) assert.ok(pkg.activationEvents.includes(`onCommand:${id}`), id);
  assert.ok(pkg.activationEvents.includes('onWebviewPanel:streamHealth.dashboard'));
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
  // The oldest VS Code whose API we use; @types/vscode is pinned to it so tsc enforces that.
  assert.equal(pkg.engines.vscode, '^1.99.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '1.99.0');
  assert.equal(pkg.main, './dist/extension.cjs');
});

test('every %key% in the manifest is in package.nls.json, and every key there is used', () => {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const used = new Set([...text.matchAll(/"%([A-Za-z0-9._-]+)%"/g)].map((m) => m[1]!));
  for (const key of used) assert.ok(key in nls, `${key} missing from package.nls.json`);
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
});

test('the Stream Health view: its container, a welcome with Add Endpoint, menus naming contributed commands', () => {
  const c = pkg.contributes;
  assert.equal(c.viewsContainers.activitybar[0].id, 'streamHealth');
  assert.equal(c.views.streamHealth[0].id, 'streamHealth.endpoints');
  assert.match(shown(c.viewsWelcome[0].contents), /command:streamHealth\.addEndpoint/);
  const commands = new Set(c.commands.map((x: { command: string }) => x.command));
  for (const [menu, items] of Object.entries(c.menus) as [string, { command: string }[]][]) {
    for (const item of items) assert.ok(commands.has(item.command), `${menu}: ${item.command}`);
  }
  for (const step of c.walkthroughs[0].steps) {
    assert.ok(shown(step.title) && shown(step.description), step.id);
    assert.ok(readFileSync(new URL(`../../../${step.media.markdown}`, import.meta.url), 'utf8').length > 0, step.media.markdown);
  }
});

test('the .vsix ships every lazily loaded transport part next to the extension bundle', () => {
  const ignore = readFileSync(new URL('../../../.vscodeignore', import.meta.url), 'utf8');
  const shipped = ignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  const parts = readdirSync(new URL('../../../src/transports/parts/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual(parts.sort(), ['grpc', 'http', 'websocket']);
  for (const file of ['dist/extension.cjs', 'dist/extension-parts.cjs', ...parts.map((p) => `dist/transports/${p}.cjs`)]) {
    assert.ok(shipped.some((glob) => path.matchesGlob(file, glob)), `${file} is not let back in by .vscodeignore`);
  }
});
