// Serves a web-standard `fetch(Request) => Response` handler from a Node http server, streaming the
// response body and aborting the request when the client goes away (so SSE streams are torn down).

import type * as http from 'node:http';

type FetchHandler = (request: Request) => Promise<Response>;

export function nodeFetchListener(handler: FetchHandler, onError: (error: unknown) => void = () => {}): http.RequestListener {
  return (req, res) => {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    void serve(handler, req, res, abort).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      else res.destroy();
    });
  };
}

async function serve(handler: FetchHandler, req: http.IncomingMessage, res: http.ServerResponse, abort: AbortController): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? await readAll(req) : undefined;
  const request = new Request(`http://${req.headers.host ?? 'lab'}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
    signal: abort.signal,
  });
  const response = await handler(request);
  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  res.writeHead(response.status, outHeaders);
  res.flushHeaders();
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise<void>((resolve) => {
      res.once('drain', resolve);
      res.once('close', resolve);
    });
    if (abort.signal.aborted) return;
  }
  res.end();
}

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
