// When a finding is worth telling about: the event stream's rule, the people's rule, and reminders for notifications.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FindingKind } from '../../../src/core/events.ts';
import { FindingNews, isReportable, type FindingFacts } from '../../../src/core/findingNews.ts';

const facts = (finding: FindingKind, message: string, evidence: number): FindingFacts => ({ finding, message, evidence });

test('the event stream reports a finding when it appears and each time its evidence grows, not when it only repeats', () => {
  assert.equal(isReportable(undefined, facts('flapping', 'x', 3)), true);
  assert.equal(isReportable(facts('flapping', 'x', 3), facts('flapping', 'x', 4)), true);
  assert.equal(isReportable(facts('flapping', 'x', 4), facts('flapping', 'x', 4)), false);
  assert.equal(isReportable(facts('flapping', 'x', 4), facts('flapping', 'y', 3)), false, 'less evidence is not reported, whatever the text');
});

test('for people a finding is news when it is new for the endpoint or its message changed, not each time evidence grows', () => {
  const news = new FindingNews();
  const seen = [
    ['a', facts('intermediary-idle-timeout', 'die after 2 s', 3)],
    ['a', facts('intermediary-idle-timeout', 'die after 2 s', 4)],
    ['b', facts('intermediary-idle-timeout', 'die after 2 s', 3)],
    ['a', facts('flapping', 'die after 2 s', 5)],
    ['a', facts('intermediary-idle-timeout', 'die after 60 s', 5)],
    ['a', facts('intermediary-idle-timeout', 'die after 60 s', 6)],
  ].map(([endpoint, f]) => news.isNews(endpoint as string, f as FindingFacts));
  assert.deepEqual(seen, [true, false, true, true, true, false]);
});

test('with a reminder window: one announcement per endpoint+finding per window, independent keys, again after the window', () => {
  let now = 0;
  const news = new FindingNews({ reminderMs: 3_600_000, now: () => now });
  const flapping = facts('flapping', 'a is flapping', 3);
  assert.equal(news.isNews('a', flapping), true);
  now = 10 * 60_000;
  assert.equal(news.isNews('a', { ...flapping, message: 'a is flapping harder' }), false, 'a new message inside the window waits');
  assert.equal(news.isNews('a', facts('gateway-timeout', 'g', 1)), true);
  assert.equal(news.isNews('b', flapping), true);
  now = 3_600_000 - 1;
  assert.equal(news.isNews('a', flapping), false);
  now = 3_600_000;
  assert.equal(news.isNews('a', flapping), true, 'a standing finding is announced again once the window has passed');
  assert.equal(news.isNews('a', flapping), false);
});

test('forget lets an endpoint announce again (after Clear History), without touching endpoints it is a prefix of', () => {
  const news = new FindingNews();
  const x = facts('flapping', 'x', 1);
  assert.equal(news.isNews('a', x), true);
  assert.equal(news.isNews('ab', x), true);
  news.forget('a');
  assert.equal(news.isNews('a', x), true);
  assert.equal(news.isNews('ab', x), false);
  news.forget();
  assert.equal(news.isNews('ab', x), true);
});
