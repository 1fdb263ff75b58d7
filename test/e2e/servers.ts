// Small loopback servers the e2e suite needs besides the lab: one that counts connection attempts
// (to prove an untrusted workspace never connects) and a hostile one (XSS strings in its answers).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  readonly url: string;
  /** Requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

async function listen(server: Server, path: string): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An SSE server sending a comment heartbeat every second; counts every request it gets. */
export async function startCountingSseServer(): Promise<TestServer> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write(': hello\n\n');
    const timer = setInterval(() => res.write(': keepalive\n\n'), 1000);
    res.on('close', () => clearInterval(timer));
  });
  const { url, close } = await listen(server, '/events');
  return { url, requests: () => count, close };
}

/** The text the hostile server puts in its error page; a card must show it literally. */
export const HOSTILE_TEXT = '<script>alert("xss")</script>';

/**
 * Answers every request with a 502 whose text names a <script> (entity-encoded, as an upstream's
 * error text would be, so the transport's excerpt decodes it back to literal `<script>` text).
 */
export async function startHostileServer(): Promise<TestServer> {
  let count = 0;
  const encoded = HOSTILE_TEXT.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const server = createServer((_req, res) => {
    count++;
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`upstream said ${encoded} <img src=x onerror=alert(3)>`);
  });
  const { url, close } = await listen(server, '/events');
  return { url, requests: () => count, close };
}
