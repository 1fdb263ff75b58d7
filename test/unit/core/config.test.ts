// Endpoint configuration: defaults filled in, and every bad field reported as `endpoints[i].field`
// without hiding the entries that are fine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, editDistance, formatConfigIssue, KNOWN_FIELDS, parseEndpoints, secretNames } from '../../../src/core/config.ts';

const messages = (raw: unknown) => parseEndpoints(raw).issues.map(formatConfigIssue);

test('a minimal entry gets every default', () => {
  const { endpoints, issues } = parseEndpoints([{ name: 'orders', kind: 'mcp', url: 'https://example.com/mcp' }]);
  assert.deepEqual(issues, []);
  const [e] = endpoints;
  assert.equal(e?.heartbeatSeconds, DEFAULTS.heartbeatSeconds);
  assert.equal(e?.idleTimeoutSeconds, DEFAULTS.idleTimeoutSeconds);
  assert.deepEqual(e?.reconnect, DEFAULTS.reconnect);
  assert.deepEqual(e?.grpc, DEFAULTS.grpc);
  assert.deepEqual(e?.tls, DEFAULTS.tls);
  assert.deepEqual(e?.websocket, { protocols: [] });
  assert.equal(e?.maxMessageBytes, 1024 * 1024);
});

test('bad fields name the entry index and field; good entries survive', () => {
  const raw = [
    { name: 'ok', kind: 'sse', url: 'http://127.0.0.1/events' },
    { name: 'no-url', kind: 'sse' },
    { name: 'typo', kind: 'sse', url: 'htp//example' },
    { name: 'scheme', kind: 'websocket', url: 'http://example.com/ws' },
    { name: 'kind', kind: 'kafka', url: 'http://example.com' },
    { name: 'creds', kind: 'sse', url: 'https://user:pw@example.com/e' },
    { name: 'ok', kind: 'sse', url: 'http://127.0.0.1/other' },
    'not an object',
    { name: 'window', kind: 'grpc', url: 'grpc://127.0.0.1:50051', heartbeatSeconds: 30, idleTimeoutSeconds: 10 },
    { name: 'header', kind: 'sse', url: 'http://x/e', headers: { 'X-A': 'a\r\nInjected: 1' } },
  ];
  const { endpoints } = parseEndpoints(raw);
  assert.deepEqual(endpoints.map((e) => e.name), ['ok']);
  assert.deepEqual(messages(raw), [
    'endpoints[1].url: required: the stream URL, e.g. "https://example.com/mcp"',
    'endpoints[2].url: not a URL',
    'endpoints[3].url: websocket endpoints need a ws: or wss: URL, not http:',
    'endpoints[4].kind: must be one of mcp, mcp-sse, sse, grpc, websocket',
    'endpoints[5].url: credentials in the URL are not allowed; use headers with ${secret:NAME}',
    'endpoints[6].name: "ok" is used by an earlier entry; names must be unique',
    'endpoints[7]: not an object; expected { "name", "kind", "url", ... }',
    'endpoints[8].idleTimeoutSeconds: must be at least heartbeatSeconds (30); 3 x is usual',
    'endpoints[9].headers.X-A: must not contain line breaks',
  ]);
});

test('numbers are range-checked and typed', () => {
  assert.deepEqual(messages([{ name: 'n', kind: 'sse', url: 'http://x/e', heartbeatSeconds: -1, reconnect: { multiplier: '2', maxAttempts: 1.5 } }]), [
    'endpoints[0].heartbeatSeconds: must be between 0 and 3600',
    'endpoints[0].reconnect.multiplier: must be a number (got "2")',
    'endpoints[0].reconnect.maxAttempts: must be a whole number',
  ]);
});

test('websocket.protocols: HTTP tokens in order, each once, only on websocket endpoints', () => {
  const ok = parseEndpoints([{ name: 'gql', kind: 'websocket', url: 'wss://x/graphql', websocket: { protocols: ['graphql-transport-ws', 'graphql-ws'] } }]);
  assert.deepEqual(ok.issues, []);
  assert.deepEqual(ok.endpoints[0]?.websocket.protocols, ['graphql-transport-ws', 'graphql-ws']);
  assert.deepEqual(messages([
    { name: 'a', kind: 'websocket', url: 'ws://x/', websocket: { protocols: 'graphql-ws' } },
    { name: 'b', kind: 'websocket', url: 'ws://x/', websocket: { protocols: ['v1, v2', 7, 'v3', 'v3'] } },
    { name: 'c', kind: 'sse', url: 'http://x/e', websocket: { protocols: ['v1'] } },
    { name: 'd', kind: 'websocket', url: 'ws://x/', websocket: { protocols: Array.from({ length: 17 }, (_, i) => `p${i}`) } },
  ]), [
    'endpoints[0].websocket.protocols: must be an array of subprotocol names, e.g. ["graphql-transport-ws"]',
    "endpoints[1].websocket.protocols[0]: not a subprotocol name (letters, digits and !#$%&'*+-.^_`|~, no spaces or commas)",
    "endpoints[1].websocket.protocols[1]: not a subprotocol name (letters, digits and !#$%&'*+-.^_`|~, no spaces or commas)",
    'endpoints[1].websocket.protocols[3]: "v3" is listed twice',
    'endpoints[2].websocket.protocols: only websocket endpoints negotiate a subprotocol, this one is sse',
    'endpoints[3].websocket.protocols: at most 16 subprotocols',
  ]);
});

test('no setting is no endpoints; a non-array is one clear issue', () => {
  assert.deepEqual(parseEndpoints(undefined), { endpoints: [], issues: [], warnings: [] });
  assert.deepEqual(messages({ name: 'x' }), ['endpoints: endpoints must be an array of endpoint objects']);
});

test('secret placeholders are found by name', () => {
  assert.deepEqual(secretNames({ headers: { Authorization: 'Bearer ${secret:orders}', 'X-Key': '${secret:k.1}-${secret:orders}' } }), ['orders', 'k.1']);
});

test('unknown fields are warnings naming the entry and field, with the closest known name; the entry still runs', () => {
  const raw = [
    { name: 'typos', kind: 'grpc', url: 'grpc://127.0.0.1:50051', heartbeatSecond: 5, nmae: 'x', idle: 30, reconnect: { maxDelay: 3 }, tls: { cafile: 'ca.pem' }, grpc: { metod: '/a.B/C' }, websocket: { protocol: [] } },
    { name: 'moved', kind: 'grpc', url: 'grpc://127.0.0.1:50051', keepaliveSeconds: 10, reconnect: { heartbeatSeconds: 5 } },
    { name: 'newer', kind: 'sse', url: 'http://127.0.0.1/e', someFutureOption: true, proxy: 'http://proxy:3128', tls: { certFile: 'c.pem', keyFile: 'k.pem', keyPassphrase: 'p' } },
  ];
  const parsed = parseEndpoints(raw);
  assert.deepEqual(parsed.issues, []);
  assert.deepEqual(parsed.endpoints.map((e) => e.name), ['typos', 'moved', 'newer']);
  assert.equal(parsed.endpoints[0]!.heartbeatSeconds, DEFAULTS.heartbeatSeconds, 'the misspelt field is ignored, not guessed');
  assert.deepEqual(parsed.warnings.map(formatConfigIssue), [
    'endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"?',
    'endpoints[0].nmae: unknown field, ignored; did you mean "name"?',
    'endpoints[0].idle: unknown field, ignored; did you mean "idleTimeoutSeconds"?',
    'endpoints[0].reconnect.maxDelay: unknown field, ignored; did you mean "reconnect.maxDelaySeconds"?',
    'endpoints[0].grpc.metod: unknown field, ignored; did you mean "grpc.method"?',
    'endpoints[0].tls.cafile: unknown field, ignored; did you mean "tls.caFile"?',
    'endpoints[0].websocket.protocol: unknown field, ignored; did you mean "websocket.protocols"?',
    'endpoints[1].keepaliveSeconds: unknown field, ignored; did you mean "grpc.keepaliveSeconds"?',
    'endpoints[1].reconnect.heartbeatSeconds: unknown field, ignored; did you mean "heartbeatSeconds"?',
    'endpoints[2].someFutureOption: unknown field, ignored',
  ]);
  assert.deepEqual(new Set(parsed.warnings.map((w) => w.name)), new Set(['typos', 'moved', 'newer']));
});

test('warnings do not replace the errors of a bad entry, and headers may hold any name', () => {
  const parsed = parseEndpoints([{ nmae: 'x', kind: 'sse', url: 'http://127.0.0.1/e', headers: { 'X-Anything': 'v' } }]);
  assert.deepEqual(parsed.endpoints, []);
  assert.deepEqual(parsed.issues.map(formatConfigIssue), ['endpoints[0].name: required: a non-empty string of at most 80 characters']);
  assert.deepEqual(parsed.warnings.map(formatConfigIssue), ['endpoints[0].nmae: unknown field, ignored; did you mean "name"?']);
});

test('KNOWN_FIELDS names every field a parsed entry has', () => {
  const [e] = parseEndpoints([{ name: 'a', kind: 'sse', url: 'http://127.0.0.1/e' }]).endpoints;
  const known = (list: readonly string[], fields: object, where: string) => {
    for (const key of Object.keys(fields)) assert.ok(list.includes(key), `${where}${key} is missing from KNOWN_FIELDS`);
  };
  // `network` is the host's decision (proxy route, trust), filled in by parsing: not a field users write.
  const { network: _network, ...userFields } = e!;
  known(KNOWN_FIELDS.endpoint, userFields, '');
  known(KNOWN_FIELDS.reconnect, e!.reconnect, 'reconnect.');
  known(KNOWN_FIELDS.grpc, e!.grpc, 'grpc.');
  known(KNOWN_FIELDS.tls, e!.tls, 'tls.');
  known(KNOWN_FIELDS.websocket, e!.websocket, 'websocket.');
});

test('edit distance counts an adjacent swap as one step', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('nmae', 'name'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('auth: "none", a clientId and scopes, or a clear error; other kinds cannot sign in', () => {
  const parse = (auth: unknown, kind = 'mcp') => parseEndpoints([{ name: 'a', kind, url: kind === 'grpc' ? 'grpc://h:1' : 'https://h/mcp', auth }]);
  assert.deepEqual(parse('none').endpoints[0]!.auth, { signIn: false, clientId: '', scopes: [] });
  assert.deepEqual(parse({ clientId: ' abc ', scopes: ['repo', 'read:org'] }).endpoints[0]!.auth, { signIn: true, clientId: 'abc', scopes: ['repo', 'read:org'] });
  assert.equal(parseEndpoints([{ name: 'a', kind: 'mcp', url: 'https://h/mcp' }]).endpoints[0]!.auth, undefined);
  assert.match(parse('off').issues[0]!.message, /must be "none" \(no sign-in\) or an object/);
  assert.match(parse({ scopes: ['a b'] }).issues[0]!.message, /scope names without spaces/);
  assert.match(parse({ clientId: 'x' }, 'grpc').issues[0]!.message, /sign-in is for HTTP endpoints/);
  assert.match(parseEndpoints([{ name: 'a', kind: 'mcp', url: 'https://h/mcp', auth: { clientID: 'x' } }]).warnings[0]!.message, /auth\.clientId|unknown field/);
});
