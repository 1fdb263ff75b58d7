// The loopback redirect (RFC 8252 section 7.3) for the CLI and desktop VS Code: a one-shot HTTP server
// on 127.0.0.1 that takes the authorization code, checks the state and tells the browser it can close.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatDuration } from '../../core/format.ts';
import { serverText } from '../serverText.ts';
import { AuthFlowError } from './flow.ts';
import type { BrowserStep } from './flow.ts';

/** A user who closed the browser tab must not leave the command waiting forever. */
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
const CALLBACK_PATH = '/callback';

export interface LoopbackRedirect extends Omit<BrowserStep, 'open'> {
  close(): void;
}

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif"><h1>${title}</h1><p>${text}</p></body>`;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startLoopbackRedirect(timeoutMs: number = SIGN_IN_TIMEOUT_MS): Promise<LoopbackRedirect> {
  let settle: { resolve(code: string): void; reject(error: Error): void } | undefined;
  let expected: string | undefined;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH) {
      response.writeHead(404).end();
      return;
    }
    const answer = (status: number, title: string, text: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(title, escapeHtml(text)));
    };
    const error = url.searchParams.get('error');
    const state = url.searchParams.get('state');
    const code = url.searchParams.get('code');
    if (error) {
      const description = serverText(url.searchParams.get('error_description') ?? '', 200);
      answer(400, 'Sign-in refused', `${error}${description ? `: ${description}` : ''}`);
      settle?.reject(new AuthFlowError('redirect', `the authorization server refused the sign-in: ${serverText(error, 80)}${description ? `: ${description}` : ''}`));
      return;
    }
    // A redirect without our state is not an answer to our request (a forged or stale tab): end with a clear error.
    if (!state || state !== expected) {
      answer(400, 'Sign-in failed', 'The state did not match this sign-in; start it again.');
      settle?.reject(new AuthFlowError('redirect', 'the redirect carried a state that does not match this sign-in (a stale or forged redirect); start the sign-in again'));
      return;
    }
    if (!code) {
      answer(400, 'Sign-in failed', 'The redirect carried no code.');
      settle?.reject(new AuthFlowError('redirect', 'the redirect carried no authorization code'));
      return;
    }
    answer(200, 'Signed in', 'Stream Health is signed in. You can close this tab.');
    settle?.resolve(code);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    if (timer) clearTimeout(timer);
    // A wait still pending here was abandoned (cancelled, or the browser could not be opened).
    settle?.reject(new AuthFlowError('redirect', 'the sign-in was cancelled before the browser came back'));
    server.closeAllConnections();
    server.close();
  };
  return {
    redirectUrl: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    waitForCode(state: string) {
      expected = state;
      return new Promise<string>((resolve, reject) => {
        settle = { resolve, reject };
        timer = setTimeout(() => {
          reject(new AuthFlowError('redirect', `no sign-in within ${formatDuration(timeoutMs)}: the browser was closed or the sign-in not finished; run the sign-in again`));
        }, timeoutMs);
        timer.unref();
      }).finally(close);
    },
    close,
  };
}
