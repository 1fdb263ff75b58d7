// The lab's errors share the project's root class, with a stable code and name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamHealthError } from '../../../src/core/errors.ts';
import { labErrors } from '../../../src/lab/errors.ts';
import { LabUsageError } from '../../../src/lab/main.ts';

test('the lab errors share the StreamHealthError root with a stable code and name', () => {
  const spawn = labErrors.spawn('nginx', 'ENOENT');
  assert.ok(spawn instanceof StreamHealthError);
  assert.equal(spawn.code, 'SH_ERR_LAB_SPAWN');
  assert.equal(spawn.name, 'LabError');
  const usage = new LabUsageError('bad flag');
  assert.ok(usage instanceof StreamHealthError);
  assert.deepEqual([usage.code, usage.name, usage.message, usage.helpRequested], ['SH_ERR_LAB_USAGE', 'LabUsageError', 'bad flag', false]);
});
