// The core stays platform-free: no vscode, no sockets, no HTTP/WebSocket/gRPC libraries, so it runs
// unchanged in the extension host, the CLI and unit tests with fake time (docs/design.md "Layers").
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const CORE = new URL('../../../src/core/', import.meta.url).pathname;
const FORBIDDEN = ['vscode', 'node:net', 'net', 'node:http', 'http', 'node:http2', 'http2', 'node:https', 'https', 'node:tls', 'tls', 'node:dgram', 'ws', 'undici', '@grpc/grpc-js'];

test('src/core imports nothing from vscode, sockets, ws, undici or grpc-js', () => {
  const files = readdirSync(CORE).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 15, `found the core files (${files.length})`);
  const offenders: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(CORE, file), 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = match[1]!;
      if (FORBIDDEN.includes(spec) || FORBIDDEN.some((f) => spec.startsWith(`${f}/`))) offenders.push(`${file}: ${spec}`);
      if (!spec.startsWith('./')) offenders.push(`${file}: ${spec} (the core imports only its own files)`);
    }
  }
  assert.deepEqual(offenders, []);
});
