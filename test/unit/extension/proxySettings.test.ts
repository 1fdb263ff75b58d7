// Unit tests for how VS Code's http.* settings become the proxy environment of `auto` endpoints.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeFor } from '../../../src/core/network.ts';
import { describeNetwork, networkFromSettings, networkSecrets } from '../../../src/extension/proxySettings.ts';
import { Redactor } from '../../../src/extension/redaction.ts';

const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: '.env.example' };

test('http.proxy wins over the environment, for http and https targets alike', () => {
  const { proxy } = networkFromSettings({ proxy: 'http://corp:8080' }, env);
  assert.equal(proxy.httpProxy, 'http://corp:8080');
  assert.equal(proxy.httpsProxy, 'http://corp:8080');
  assert.equal(proxy.source, 'VS Code http.proxy');
  assert.deepEqual(proxy.noProxy, ['.env.example'], 'NO_PROXY still applies without http.noProxy');
});

test('without http.proxy the environment applies; http.noProxy replaces NO_PROXY when set', () => {
  const { proxy } = networkFromSettings({ noProxy: ['internal.example', 42] }, env);
  assert.equal(proxy.httpsProxy, 'http://env-proxy:3128');
  assert.match(proxy.source, /environment \(HTTPS_PROXY\)/);
  assert.deepEqual(proxy.noProxy, ['internal.example']);
});

test('http.proxySupport "off" means direct whatever else is set', () => {
  const { proxy } = networkFromSettings({ proxy: 'http://corp:8080', proxySupport: 'off' }, env);
  assert.deepEqual(routeFor({ proxy: 'auto', url: 'https://api.example/' }, proxy), { mode: 'direct', reason: 'no proxy for https in VS Code http.proxySupport "off"' });
});

test('strict SSL, authorization and system certificates follow their settings (defaults true, none, true)', () => {
  const defaults = networkFromSettings({}, {});
  assert.deepEqual([defaults.proxy.strictSSL, defaults.proxy.authorization, defaults.systemCertificates], [true, undefined, true]);
  const set = networkFromSettings({ proxy: 'http://p:1', proxyStrictSSL: false, proxyAuthorization: ' Basic abc= ', systemCertificates: false }, {});
  assert.deepEqual([set.proxy.strictSSL, set.proxy.authorization, set.systemCertificates], [false, 'Basic abc=', false]);
});

test('literal proxy credentials from the settings are handed to the log redactor', () => {
  const network = networkFromSettings({ proxy: 'http://bob:planted-pw%21@corp:8080', proxyAuthorization: 'Basic cGxhbnRlZA==' }, {});
  const redactor = new Redactor();
  for (const secret of networkSecrets(network)) redactor.add(secret);
  const text = redactor.redact('proxy said planted-pw! / planted-pw%21 / Basic cGxhbnRlZA==');
  assert.doesNotMatch(text, /planted-pw|cGxhbnRlZA==/);
});

test('the network log line names the proxy and its source, never its credentials', () => {
  const line = describeNetwork(networkFromSettings({ proxy: 'http://bob:pw123@corp:8080', noProxy: ['.internal'] }, {}));
  assert.equal(line, 'auto proxy http://corp:8080 from VS Code http.proxy, no proxy for .internal; OS certificate store trusted');
  assert.equal(describeNetwork(networkFromSettings({ systemCertificates: false }, {})), 'no auto proxy (none configured); OS certificate store not trusted (http.systemCertificates is off)');
});
