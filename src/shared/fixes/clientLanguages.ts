// The client side of a fix in the languages users' clients are written in: an idle watchdog at 3
// server heartbeats that aborts the stream, and a reconnect with exponential backoff and full jitter
// that starts over after a session that outlived the idle window. Values filled in from the finding;
// checked by real toolchains (test/unit/shared/fixes/clientLanguages.toolchain.test.ts).

import { msLiteral, timesSeconds, type Snippet } from './snippet.ts';
import type { ServerLanguage } from './serverLanguages.ts';

/** The reconnect backoff every snippet uses: 1 s doubling up to 60 s, the flapping fix's ceiling. */
const INITIAL_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

/** The client watchdog and backoff in `language`, for a server that sends data every `heartbeatSeconds`. */
export function clientWatchdogSnippetIn(language: ServerLanguage, heartbeatSeconds: number): Snippet {
  const idleMs = Math.max(1, Math.round(heartbeatSeconds * 3000));
  const idleSeconds = timesSeconds(heartbeatSeconds, 3);
  const values: Values = { idleMs, idleSeconds, heartbeatSeconds, heartbeatMs: Math.round(heartbeatSeconds * 1000) };
  const { title, code } = CODE[language](values);
  return {
    id: `client-watchdog-${language}`,
    side: 'client',
    title,
    language,
    brief: `client (${language}): abort the stream after ${idleSeconds} s without data, reconnect after a random 0..min(60 s, 1 s x 2^attempt), attempts reset after a session longer than ${idleSeconds} s`,
    note: `No data for ${idleSeconds} s (3 missed ${heartbeatSeconds} s heartbeats) means the stream is dead even if the socket looks open: abort and reconnect. `
      + 'The delay doubles up to 60 s with full jitter so many clients do not reconnect in step, and starts over after a session that outlived the idle window. '
      + 'Shown on an HTTP stream (SSE, MCP GET); for WebSocket or gRPC, reset the watchdog on every message or pong the same way.',
    code,
  };
}

interface Values {
  readonly idleMs: number;
  readonly idleSeconds: number;
  readonly heartbeatSeconds: number;
  readonly heartbeatMs: number;
}

const CODE: Readonly<Record<ServerLanguage, (v: Values) => { title: string; code: string }>> = {
  typescript: (v) => ({
    title: 'Client (TypeScript, fetch): idle watchdog with AbortController, backoff with jitter',
    code: `const IDLE_MS = ${msLiteral(v.idleMs)}; // 3 x the ${v.heartbeatSeconds} s server heartbeat
const INITIAL_DELAY_MS = ${msLiteral(INITIAL_DELAY_MS)};
const MAX_DELAY_MS = ${msLiteral(MAX_DELAY_MS)};

/** Reads one stream until it ends, fails, or sends nothing for IDLE_MS. */
async function session(url: string, handle: (chunk: Uint8Array) => void): Promise<void> {
  const controller = new AbortController();
  const expire = () => controller.abort(new Error(\`no data for \${IDLE_MS} ms\`));
  let watchdog = setTimeout(expire, IDLE_MS);
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(\`HTTP \${response.status}\`);
    for await (const chunk of response.body) {
      clearTimeout(watchdog);
      watchdog = setTimeout(expire, IDLE_MS);
      handle(chunk);
    }
  } finally {
    clearTimeout(watchdog);
  }
}

/** Keeps the stream open: reconnects with exponential backoff and full jitter. */
export async function watch(url: string, handle: (chunk: Uint8Array) => void): Promise<never> {
  let attempt = 0;
  for (;;) {
    const started = Date.now();
    try {
      await session(url, handle);
    } catch (error) {
      console.warn('stream ended:', error instanceof Error ? error.message : error);
    }
    // A session that outlived the idle window was healthy: start the backoff over.
    if (Date.now() - started > IDLE_MS) attempt = 0;
    const ceiling = Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS * 2 ** attempt);
    attempt += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
`,
  }),
  go: (v) => ({
    title: 'Client (Go net/http): idle watchdog with time.AfterFunc, backoff with jitter',
    code: `package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"time"
)

const (
	idle         = ${v.idleMs} * time.Millisecond // 3 x the ${v.heartbeatMs} ms server heartbeat
	initialDelay = ${INITIAL_DELAY_MS} * time.Millisecond
	maxDelay     = ${MAX_DELAY_MS} * time.Millisecond
)

// session reads one stream until it ends, fails, or sends nothing for the idle window.
func session(url string, handle func([]byte)) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watchdog := time.AfterFunc(idle, cancel)
	defer watchdog.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	buf := make([]byte, 32*1024)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			watchdog.Reset(idle)
			handle(buf[:n])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("no data for %v: %w", idle, err)
			}
			return err
		}
	}
}

// watch keeps the stream open: reconnects with exponential backoff and full jitter.
func watch(url string, handle func([]byte)) {
	attempt := 0
	for {
		started := time.Now()
		if err := session(url, handle); err != nil {
			fmt.Fprintln(os.Stderr, "stream ended:", err)
		}
		// A session that outlived the idle window was healthy: start the backoff over.
		if time.Since(started) > idle {
			attempt = 0
		}
		ceiling := maxDelay
		if attempt < 16 && initialDelay<<attempt < maxDelay {
			ceiling = initialDelay << attempt
		}
		attempt++
		time.Sleep(time.Duration(rand.Int63n(int64(ceiling) + 1)))
	}
}

func main() {
	watch(os.Args[1], func(chunk []byte) { os.Stdout.Write(chunk) })
}
`,
  }),
  python: (v) => ({
    title: 'Client (Python, urllib): the socket timeout as idle watchdog, backoff with jitter',
    code: `import random
import sys
import time
import urllib.request

IDLE_SECONDS = ${v.idleSeconds}  # 3 x the ${v.heartbeatSeconds} s server heartbeat
INITIAL_DELAY_SECONDS = ${(INITIAL_DELAY_MS / 1000).toFixed(1)}
MAX_DELAY_SECONDS = ${(MAX_DELAY_MS / 1000).toFixed(1)}


def session(url, handle):
    """Reads one stream until it ends, fails, or sends nothing for IDLE_SECONDS."""
    request = urllib.request.Request(url, headers={"Accept": "text/event-stream"})
    # The timeout bounds every socket read, not the whole response: it is the watchdog.
    with urllib.request.urlopen(request, timeout=IDLE_SECONDS) as response:
        while True:
            chunk = response.read1(65536)
            if not chunk:
                return
            handle(chunk)


def watch(url, handle):
    """Keeps the stream open: reconnects with exponential backoff and full jitter."""
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            session(url, handle)
        except OSError as error:  # URLError, socket timeouts and resets are all OSError
            print(f"stream ended: {error}", file=sys.stderr)
        # A session that outlived the idle window was healthy: start the backoff over.
        if time.monotonic() - started > IDLE_SECONDS:
            attempt = 0
        ceiling = min(MAX_DELAY_SECONDS, INITIAL_DELAY_SECONDS * 2 ** attempt)
        attempt += 1
        time.sleep(random.uniform(0, ceiling))


if __name__ == "__main__":
    watch(sys.argv[1], sys.stdout.buffer.write)
`,
  }),
  rust: (v) => ({
    title: 'Client (Rust, reqwest + tokio): idle watchdog with tokio::time::timeout, backoff with jitter',
    code: `// Cargo.toml: reqwest = { version = "0.12", features = ["stream"] }, tokio = { version = "1", features = ["full"] },
// futures-util = "0.3", rand = "0.8"
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rand::Rng;
use tokio::time::timeout;

const IDLE: Duration = Duration::from_millis(${v.idleMs}); // 3 x the ${v.heartbeatMs} ms server heartbeat
const INITIAL_DELAY: Duration = Duration::from_millis(${INITIAL_DELAY_MS});
const MAX_DELAY: Duration = Duration::from_millis(${MAX_DELAY_MS});

/// Reads one stream until it ends, fails, or sends nothing for IDLE.
async fn session(
    client: &reqwest::Client,
    url: &str,
    handle: &mut impl FnMut(&[u8]),
) -> Result<(), Box<dyn std::error::Error>> {
    let response = client
        .get(url)
        .header("accept", "text/event-stream")
        .send()
        .await?
        .error_for_status()?;
    let mut body = response.bytes_stream();
    loop {
        match timeout(IDLE, body.next()).await {
            Err(_) => return Err(format!("no data for {:?}", IDLE).into()),
            Ok(None) => return Ok(()),
            Ok(Some(chunk)) => handle(&chunk?),
        }
    }
}

/// Keeps the stream open: reconnects with exponential backoff and full jitter.
pub async fn watch(url: &str, mut handle: impl FnMut(&[u8])) {
    let client = reqwest::Client::new();
    let mut attempt: u32 = 0;
    loop {
        let started = Instant::now();
        if let Err(error) = session(&client, url, &mut handle).await {
            eprintln!("stream ended: {error}");
        }
        // A session that outlived the idle window was healthy: start the backoff over.
        if started.elapsed() > IDLE {
            attempt = 0;
        }
        let ceiling = MAX_DELAY.min(INITIAL_DELAY * 2u32.pow(attempt.min(16)));
        attempt += 1;
        let jitter = rand::thread_rng().gen_range(0..=ceiling.as_millis() as u64);
        tokio::time::sleep(Duration::from_millis(jitter)).await;
    }
}
`,
  }),
  java: (v) => ({
    title: 'Client (Java, HttpURLConnection): the read timeout as idle watchdog, backoff with jitter',
    code: `import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

public class StreamWatchdog {
    static final int IDLE_MS = ${v.idleMs}; // 3 x the ${v.heartbeatMs} ms server heartbeat
    static final long INITIAL_DELAY_MS = ${INITIAL_DELAY_MS};
    static final long MAX_DELAY_MS = ${MAX_DELAY_MS};

    /** Reads one stream until it ends, fails, or sends nothing for IDLE_MS. */
    static void session(String url, Consumer<byte[]> handle) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
        conn.setRequestProperty("Accept", "text/event-stream");
        conn.setConnectTimeout(IDLE_MS);
        // The read timeout bounds every read, not the whole response: it is the watchdog.
        conn.setReadTimeout(IDLE_MS);
        try (InputStream in = conn.getInputStream()) {
            byte[] buf = new byte[32 * 1024];
            for (int n; (n = in.read(buf)) != -1; ) {
                handle.accept(Arrays.copyOf(buf, n));
            }
        } finally {
            conn.disconnect();
        }
    }

    /** Keeps the stream open: reconnects with exponential backoff and full jitter. */
    static void watch(String url, Consumer<byte[]> handle) throws InterruptedException {
        int attempt = 0;
        while (true) {
            long started = System.nanoTime();
            try {
                session(url, handle);
            } catch (IOException e) {
                System.err.println("stream ended: " + e);
            }
            // A session that outlived the idle window was healthy: start the backoff over.
            if ((System.nanoTime() - started) / 1_000_000 > IDLE_MS) {
                attempt = 0;
            }
            long ceiling = Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS << Math.min(attempt, 16));
            attempt++;
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        watch(args[0], chunk -> System.out.write(chunk, 0, chunk.length));
    }
}
`,
  }),
};
