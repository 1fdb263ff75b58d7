// CLI argument parsing and endpoint loading: what is accepted, and that every mistake is a usage error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand } from '../../../src/cli/args.ts';
import { CliConfigError, envSecretResolver, envSecretValues, loadEndpoints, nameFromUrl, secretEnvName } from '../../../src/cli/endpoints.ts';
import { UsageError } from '../../../src/cli/usage.ts';

test('parses watch with --url/--kind and every option', () => {
  assert.deepEqual(parseCommand(['watch', '--url', 'http://127.0.0.1:1/e', '--kind', 'sse', '--heartbeat', '5', '--idle-timeout', '20', '--duration', '2.5', '--json', '--verbose']), {
    command: 'watch', url: 'http://127.0.0.1:1/e', kind: 'sse', heartbeatSeconds: 5, idleTimeoutSeconds: 20, durationSeconds: 2.5, json: true, verbose: true, logFormat: 'text', otlpHeaders: [],
    network: { systemCertificates: true },
  });
  assert.deepEqual(parseCommand(['watch', '--config', 'eps.json']), { command: 'watch', configFile: 'eps.json', json: false, verbose: false, logFormat: 'text', otlpHeaders: [], network: { systemCertificates: true } });
});

test('network flags apply to watch and probe-idle; --cert needs --key', () => {
  const watch = parseCommand(['watch', '--config', 'e.json', '--proxy', 'http://u:${secret:P}@proxy:3128', '--ca-file', 'ca.pem', '--cert', 'c.pem', '--key', 'k.pem', '--no-system-ca']);
  assert.deepEqual((watch as { network: unknown }).network, { proxy: 'http://u:${secret:P}@proxy:3128', caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', systemCertificates: false });
  const probe = parseCommand(['probe-idle', '--url', 'https://h/e', '--kind', 'sse', '--proxy', 'off']);
  assert.deepEqual((probe as { network: unknown }).network, { proxy: 'off', systemCertificates: true });
  assert.throws(() => parseCommand(['watch', '--config', 'e.json', '--cert', 'c.pem']), /--cert and --key go together/);
  assert.throws(() => parseCommand(['watch', '--config', 'e.json', '--proxy', ' ']), /--proxy needs a value/);
});

test('parses probe-idle with a default --max', () => {
  assert.deepEqual(parseCommand(['probe-idle', '--url', 'ws://127.0.0.1:1', '--kind', 'websocket']), {
    command: 'probe-idle', url: 'ws://127.0.0.1:1', kind: 'websocket', maxSeconds: 400, json: false, network: { systemCertificates: true },
  });
  assert.equal((parseCommand(['probe-idle', '--url', 'ws://h', '--kind', 'websocket', '--max', '30', '--json']) as { maxSeconds: number }).maxSeconds, 30);
});

test('help for --help, -h, help, or nothing', () => {
  for (const argv of [['--help'], ['-h'], ['help'], ['watch', '--help']]) assert.deepEqual(parseCommand(argv), { command: 'help' });
});

test('bad flags are usage errors that say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [['watch', '--bogus'], /Unknown option '--bogus'/],
    [['launch'], /unknown command "launch"/],
    [['watch'], /needs --config FILE, --url URL --kind KIND or --discover/],
    [['watch', '--discover', '--config', 'a'], /use one of --discover, --config FILE or --url/],
    [['watch', '--config', 'a', '--workspace', '.'], /--workspace goes with --discover/],
    [['discover', '--heartbeat', '5'], /--heartbeat does not apply to discover/],
    [['watch', '--url', 'http://x'], /--url needs --kind/],
    [['watch', '--url', 'http://x', '--kind', 'ftp'], /--kind must be one of mcp, mcp-sse, sse, grpc, websocket/],
    [['watch', '--config', 'a.json', '--url', 'http://x', '--kind', 'sse'], /either --config FILE or --url/],
    [['watch', '--config', 'a', '--heartbeat', 'soon'], /--heartbeat takes a number of seconds/],
    [['watch', '--config', 'a', '--duration', '0'], /--duration takes a number of seconds greater than 0/],
    [['watch', '--config', 'a', '--max', '5'], /--max does not apply to watch/],
    [['probe-idle', '--url', 'http://x', '--kind', 'sse', '--verbose'], /--verbose does not apply to probe-idle/],
    [['probe-idle', '--config', 'a'], /--config does not apply to probe-idle/],
    [['probe-idle'], /probe-idle needs --url URL --kind KIND/],
    [[], /a command is required: watch, probe-idle, discover, login, logout/],
    [['watch', 'extra', '--config', 'a'], /unexpected argument "extra"/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof UsageError && e.code === 'SH_ERR_USAGE' && pattern.test(e.message), argv.join(' '));
  }
});

test('discover and watch --discover take --workspace', () => {
  assert.deepEqual(parseCommand(['discover', '--workspace', 'proj', '--json']), { command: 'discover', workspace: 'proj', json: true });
  assert.deepEqual(parseCommand(['discover']), { command: 'discover', json: false });
  const watch = parseCommand(['watch', '--discover', '--workspace', 'proj', '--heartbeat', '5']);
  assert.deepEqual(watch, { command: 'watch', heartbeatSeconds: 5, discover: true, workspace: 'proj', json: false, verbose: false, logFormat: 'text', otlpHeaders: [], network: { systemCertificates: true } });
});

test('--url endpoints get a readable name and flag overrides; --heartbeat alone sets the window to 3x', () => {
  const [e] = loadEndpoints({ url: 'http://127.0.0.1:8080/events?token=abc123secretvalue99', kind: 'sse', heartbeatSeconds: 5 }).endpoints;
  assert.equal(e!.name, '127.0.0.1:8080/events');
  assert.equal(e!.heartbeatSeconds, 5);
  assert.equal(e!.idleTimeoutSeconds, 15);
  assert.equal(nameFromUrl('wss://example.com'), 'example.com');
  const [short] = loadEndpoints({ url: 'http://127.0.0.1:8080/events', kind: 'sse', idleTimeoutSeconds: 6 }).endpoints;
  assert.deepEqual([short!.heartbeatSeconds, short!.idleTimeoutSeconds], [2, 6], '--idle-timeout alone below the default heartbeat');
  const [long] = loadEndpoints({ url: 'http://127.0.0.1:8080/events', kind: 'sse', idleTimeoutSeconds: 120 }).endpoints;
  assert.deepEqual([long!.heartbeatSeconds, long!.idleTimeoutSeconds], [15, 120]);
});

test('config file problems list every endpoints[i].field', () => {
  const file = JSON.stringify({ endpoints: [{ name: 'ok', kind: 'sse', url: 'http://127.0.0.1/e' }, { name: 'bad', kind: 'nope', url: 'not a url' }, { kind: 'sse', url: 'http://x', heartbeatSeconds: -1 }] });
  assert.throws(() => loadEndpoints({ configFile: 'eps.json' }, () => file), (e: unknown) => {
    assert.ok(e instanceof CliConfigError);
    assert.deepEqual(e.problems, [
      'endpoints[1].kind: must be one of mcp, mcp-sse, sse, grpc, websocket',
      'endpoints[1].url: not a URL',
      'endpoints[2].name: required: a non-empty string of at most 80 characters',
      'endpoints[2].heartbeatSeconds: must be between 0 and 3600',
    ]);
    return true;
  });
  const typo = JSON.stringify({ endpoints: [{ nmae: 'x', kind: 'sse', url: 'http://127.0.0.1/e' }] });
  assert.throws(() => loadEndpoints({ configFile: 'eps.json' }, () => typo), (e: unknown) => e instanceof CliConfigError && e.problems[1] === 'endpoints[0].nmae: unknown field, ignored; did you mean "name"?');
  assert.throws(() => loadEndpoints({ configFile: 'x' }, () => '{ nope'), /not valid JSON/);
  assert.throws(() => loadEndpoints({ configFile: 'x' }, () => '{"endpoints": []}'), /no endpoints configured/);
  assert.throws(() => loadEndpoints({ configFile: 'x' }, () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); }), /file not found/);
  assert.throws(() => loadEndpoints({ url: 'http://x', kind: 'websocket' }), (e: unknown) => e instanceof CliConfigError && /^--url: websocket endpoints need a ws: or wss: URL/.test(e.problems[0]!));
});

test('unknown fields in a config file are warnings naming the file, entry and field; the entry still loads', () => {
  const file = JSON.stringify({ endpoints: [{ name: 'orders', kind: 'sse', url: 'http://127.0.0.1/e', heartbeatSecond: 5, reconnect: { jiter: 0 } }] });
  const { endpoints, warnings } = loadEndpoints({ configFile: 'eps.json' }, () => file);
  assert.deepEqual(endpoints.map((e) => e.name), ['orders']);
  assert.deepEqual(warnings, [
    'eps.json: endpoints[0].heartbeatSecond: unknown field, ignored; did you mean "heartbeatSeconds"?',
    'eps.json: endpoints[0].reconnect.jiter: unknown field, ignored; did you mean "reconnect.jitter"?',
  ]);
});

test('secrets come from STREAM_HEALTH_SECRET_<NAME>', () => {
  assert.equal(secretEnvName('orders-prod.key'), 'STREAM_HEALTH_SECRET_ORDERS_PROD_KEY');
  const env = { STREAM_HEALTH_SECRET_ORDERS_PROD_KEY: 's3cr3t', OTHER: 'x', STREAM_HEALTH_SECRET_EMPTY: '' };
  assert.equal(envSecretResolver(env)('orders-prod.key'), 's3cr3t');
  assert.equal(envSecretResolver(env)('missing'), undefined);
  assert.deepEqual(envSecretValues(env), ['s3cr3t']);
});

test('parses login and logout; each needs --url and takes only its own options', () => {
  assert.deepEqual(parseCommand(['login', '--url', 'https://mcp.example/mcp']), { command: 'login', url: 'https://mcp.example/mcp', openBrowser: true });
  assert.deepEqual(parseCommand(['login', '--url', 'https://m/x', '--no-browser', '--timeout', '30']), { command: 'login', url: 'https://m/x', openBrowser: false, timeoutSeconds: 30 });
  assert.deepEqual(parseCommand(['logout', '--url', 'https://m/x']), { command: 'logout', url: 'https://m/x' });
  assert.deepEqual(parseCommand(['login', '--url', 'https://m/x', '--client-id', ' abc ', '--scopes', 'repo  read:org']), { command: 'login', url: 'https://m/x', openBrowser: true, clientId: 'abc', scopes: 'repo read:org' });
  assert.throws(() => parseCommand(['login', '--url', 'https://m/x', '--scopes', ' ']), /--scopes needs a value/);
  assert.throws(() => parseCommand(['login']), /login needs --url URL/);
  assert.throws(() => parseCommand(['logout', '--url', 'https://m/x', '--no-browser']), /--no-browser does not apply to logout/);
  assert.throws(() => parseCommand(['login', '--url', 'https://m/x', '--kind', 'mcp']), /--kind does not apply to login/);
  assert.throws(() => parseCommand(['login', '--url', 'https://m/x', '--timeout', '0']), /--timeout takes a number of seconds greater than 0/);
});
