// The lab command's argument parsing and settings-file writing.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LabUsageError, parseLabArgs, writeConfigFile, writeSettingsFile } from '../../../src/lab/main.ts';

test('parseLabArgs reads every flag and rejects unknown or malformed ones', () => {
  const args = parseLabArgs(['--json', '--write-settings', 'x.json', '--write-config', 'c.json', '--proxy', 'haproxy', '--idle-timeout', '3', '--heartbeat-ms', '500', '--freeze-every', '0']);
  assert.equal(args.json, true);
  assert.equal(args.writeSettings, 'x.json');
  assert.equal(args.writeConfig, 'c.json');
  assert.deepEqual(args.options, { proxy: 'haproxy', proxyIdleSeconds: 3, heartbeatMs: 500, freezeEverySeconds: 0 });
  assert.throws(() => parseLabArgs(['--bogus']), LabUsageError);
  assert.throws(() => parseLabArgs(['--proxy', 'envoy']), /--proxy must be/);
  assert.throws(() => parseLabArgs(['--idle-timeout', 'soon']), /needs a number/);
  assert.throws(() => parseLabArgs(['--write-settings']), /needs a file path/);
});

test('writeSettingsFile replaces streamHealth.endpoints and keeps the other settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sh-lab-settings-'));
  try {
    const file = path.join(dir, '.vscode', 'settings.json');
    const endpoint = { name: 'a', kind: 'sse' as const, url: 'http://127.0.0.1:1/events', heartbeatSeconds: 2, idleTimeoutSeconds: 6, reconnect: { initialDelaySeconds: 1, maxDelaySeconds: 10 } };
    writeSettingsFile(file, [endpoint]);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { 'streamHealth.endpoints': [endpoint] });
    fs.writeFileSync(file, JSON.stringify({ 'editor.fontSize': 14, 'streamHealth.endpoints': [] }));
    writeSettingsFile(file, [endpoint]);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { 'editor.fontSize': 14, 'streamHealth.endpoints': [endpoint] });
    fs.writeFileSync(file, '{ // a comment\n}');
    assert.throws(() => writeSettingsFile(file, [endpoint]), /not plain JSON/);
    const config = path.join(dir, 'lab.json');
    writeConfigFile(config, [endpoint]);
    assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')), { endpoints: [endpoint] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
