// Server heartbeats in the languages users' servers are written in: Go, Python, Rust and Java next to
// the TypeScript of server.ts, per stream kind, with the measured interval filled in. Checked by real
// toolchains where Debian has them (test/unit/shared/fixes/serverLanguages.toolchain.test.ts).

import type { EndpointKind } from '../../core/config.ts';
import { assertNever } from '../../core/errors.ts';
import { KIND_INFO } from '../../core/kinds.ts';
import { serverHeartbeatSnippet } from './server.ts';
import type { Snippet } from './snippet.ts';

export const SERVER_LANGUAGES = ['typescript', 'go', 'python', 'rust', 'java'] as const;
export type ServerLanguage = (typeof SERVER_LANGUAGES)[number];

export const SERVER_LANGUAGE_NAMES: Readonly<Record<ServerLanguage, string>> = {
  typescript: 'TypeScript', go: 'Go', python: 'Python', rust: 'Rust', java: 'Java',
};

export function isServerLanguage(value: unknown): value is ServerLanguage {
  return typeof value === 'string' && (SERVER_LANGUAGES as readonly string[]).includes(value);
}

type Heartbeat = (typeof KIND_INFO)[EndpointKind]['serverHeartbeat'];

/** The server heartbeat for `kind` in `language`, every `heartbeatSeconds` (fractions kept as milliseconds). */
export function serverSnippetIn(language: ServerLanguage, kind: EndpointKind, heartbeatSeconds: number): Snippet {
  if (language === 'typescript') return serverHeartbeatSnippet(kind, heartbeatSeconds);
  const ms = Math.max(1, Math.round(heartbeatSeconds * 1000));
  const heartbeat: Heartbeat = KIND_INFO[kind].serverHeartbeat;
  const { title, brief, code, note } = CODE[language](heartbeat, ms, heartbeatSeconds);
  return { id: `server-${heartbeatId(heartbeat)}-${language}`, side: 'server', title, language, brief, code, note };
}

function heartbeatId(heartbeat: Heartbeat): string {
  return heartbeat === 'sse-comment' ? 'sse' : heartbeat === 'ws-ping' ? 'websocket' : 'grpc';
}

interface Code {
  readonly title: string;
  readonly brief: string;
  readonly code: string;
  readonly note: string;
}

const PING_NOTE = 'HTTP/2 PINGs and TCP keepalive do not count: proxies answer them themselves and only stream data resets their idle timer.';

const CODE: Readonly<Record<Exclude<ServerLanguage, 'typescript'>, (heartbeat: Heartbeat, ms: number, seconds: number) => Code>> = {
  go(heartbeat, ms, seconds) {
    switch (heartbeat) {
      case 'sse-comment':
        return {
          title: 'Server (Go net/http): SSE comment heartbeat with http.Flusher',
          brief: `server (Go): write ": keepalive\\n\\n" and Flush() every ${ms} ms on the event-stream response`,
          note: `Write an SSE comment every ${seconds} s and flush it; SSE parsers ignore comments, proxies see data.`,
          code: `package main

import (
	"fmt"
	"net/http"
	"time"
)

func events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher.Flush()
	ticker := time.NewTicker(${ms} * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ticker.C:
			if _, err := fmt.Fprint(w, ": keepalive\\n\\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

func main() {
	http.HandleFunc("/events", events)
	_ = http.ListenAndServe(":8080", nil)
}
`,
        };
      case 'ws-ping':
        return {
          title: 'Server (Go, gorilla/websocket): ping ticker with a read deadline',
          brief: `server (Go): conn.WriteControl(websocket.PingMessage, ...) every ${ms} ms; extend the read deadline on each pong`,
          note: `Ping every ${seconds} s; a client that misses two pongs is closed by the read deadline.`,
          code: `package main

import (
	"time"

	"github.com/gorilla/websocket"
)

const pingEvery = ${ms} * time.Millisecond

func keepAlive(conn *websocket.Conn) {
	_ = conn.SetReadDeadline(time.Now().Add(3 * pingEvery))
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(3 * pingEvery))
	})
	ticker := time.NewTicker(pingEvery)
	go func() {
		defer ticker.Stop()
		for range ticker.C {
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(pingEvery)); err != nil {
				return
			}
		}
	}()
}
`,
        };
      case 'grpc-message':
        return {
          title: 'Server (grpc-go): re-send the current state on the stream with a ticker',
          brief: `server (Go): stream.Send(current) every ${ms} ms in the server-streaming handler`,
          note: `Send a message every ${seconds} s. ${PING_NOTE}`,
          code: `package main

import (
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

type health struct{ healthpb.UnimplementedHealthServer }

func (health) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	current := &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}
	if err := stream.Send(current); err != nil {
		return err
	}
	ticker := time.NewTicker(${ms} * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-stream.Context().Done():
			return nil
		case <-ticker.C:
			if err := stream.Send(current); err != nil {
				return err
			}
		}
	}
}
`,
        };
      default:
        return assertNever(heartbeat);
    }
  },

  python(heartbeat, ms, seconds) {
    const interval = String(ms / 1000);
    switch (heartbeat) {
      case 'sse-comment':
        return {
          title: 'Server (Python, Starlette/FastAPI): SSE comment when no event came in time',
          brief: `server (Python): yield ": keepalive\\n\\n" after ${interval} s without an event (StreamingResponse)`,
          note: `Yield an SSE comment whenever ${seconds} s pass without an event.`,
          code: `import asyncio

from starlette.responses import StreamingResponse

HEARTBEAT_SECONDS = ${interval}


async def event_stream(queue: asyncio.Queue):
    while True:
        try:
            event = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
            yield f"data: {event}\\n\\n"
        except asyncio.TimeoutError:
            yield ": keepalive\\n\\n"


async def events(request):
    queue: asyncio.Queue = request.app.state.events
    return StreamingResponse(event_stream(queue), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
`,
        };
      case 'ws-ping':
        return {
          title: 'Server (Python, websockets): built-in ping with a pong deadline',
          brief: `server (Python): websockets.serve(handler, ping_interval=${interval}, ping_timeout=${interval})`,
          note: `The websockets library pings every ${seconds} s and closes a client whose pong does not come back in time.`,
          code: `import asyncio

import websockets

HEARTBEAT_SECONDS = ${interval}


async def handler(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(handler, "0.0.0.0", 8080, ping_interval=HEARTBEAT_SECONDS, ping_timeout=HEARTBEAT_SECONDS):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
`,
        };
      case 'grpc-message':
        return {
          title: 'Server (Python, grpcio): yield the current state on a schedule',
          brief: `server (Python): yield the current response every ${interval} s in the server-streaming method`,
          note: `Yield a message every ${seconds} s. ${PING_NOTE}`,
          code: `import time

from grpc_health.v1 import health_pb2, health_pb2_grpc

HEARTBEAT_SECONDS = ${interval}


class Health(health_pb2_grpc.HealthServicer):
    def Watch(self, request, context):
        current = health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)
        while context.is_active():
            yield current
            time.sleep(HEARTBEAT_SECONDS)
`,
        };
      default:
        return assertNever(heartbeat);
    }
  },

  rust(heartbeat, ms, seconds) {
    switch (heartbeat) {
      case 'sse-comment':
        return {
          title: 'Server (Rust, axum): Sse keep-alive comments',
          brief: `server (Rust): Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_millis(${ms})).text("keepalive"))`,
          note: `axum writes an SSE comment every ${seconds} s when no event was sent.`,
          code: `use std::{convert::Infallible, time::Duration};

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::Stream;

async fn events() -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = futures::stream::pending();
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_millis(${ms})).text("keepalive"))
}
`,
        };
      case 'ws-ping':
        return {
          title: 'Server (Rust, tokio-tungstenite): ping on an interval',
          brief: `server (Rust): send Message::Ping every ${ms} ms from a tokio::time::interval`,
          note: `Ping every ${seconds} s; stop when a send fails.`,
          code: `use std::time::Duration;

use futures::SinkExt;
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, WebSocketStream};

async fn keep_alive(mut ws: WebSocketStream<TcpStream>) {
    let mut ticker = tokio::time::interval(Duration::from_millis(${ms}));
    loop {
        ticker.tick().await;
        if ws.send(Message::Ping(Vec::new())).await.is_err() {
            break;
        }
    }
}
`,
        };
      case 'grpc-message':
        return {
          title: 'Server (Rust, tonic): a stream that repeats the current state',
          brief: `server (Rust): a ReceiverStream fed from a tokio::time::interval of ${ms} ms`,
          note: `Send a message every ${seconds} s. ${PING_NOTE}`,
          code: `use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

fn heartbeat_stream<T: Clone + Send + 'static>(current: T) -> ReceiverStream<Result<T, Status>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_millis(${ms}));
        loop {
            ticker.tick().await;
            if tx.send(Ok(current.clone())).await.is_err() {
                break;
            }
        }
    });
    ReceiverStream::new(rx)
}
`,
        };
      default:
        return assertNever(heartbeat);
    }
  },

  java(heartbeat, ms, seconds) {
    switch (heartbeat) {
      case 'sse-comment':
        return {
          title: 'Server (Java, Spring): SseEmitter comment on a schedule',
          brief: `server (Java): emitter.send(SseEmitter.event().comment("keepalive")) every ${ms} ms`,
          note: `Send an SSE comment every ${seconds} s; cancel the task when the emitter completes.`,
          code: `import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
public class Events {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @GetMapping("/events")
    public SseEmitter events() {
        SseEmitter emitter = new SseEmitter(0L);
        ScheduledFuture<?> heartbeat = timer.scheduleAtFixedRate(() -> {
            try {
                emitter.send(SseEmitter.event().comment("keepalive"));
            } catch (IOException e) {
                emitter.completeWithError(e);
            }
        }, ${ms}, ${ms}, TimeUnit.MILLISECONDS);
        emitter.onCompletion(() -> heartbeat.cancel(false));
        emitter.onTimeout(() -> heartbeat.cancel(false));
        return emitter;
    }
}
`,
        };
      case 'ws-ping':
        return {
          title: 'Server (Java, Spring WebSocket): PingMessage on a schedule',
          brief: `server (Java): session.sendMessage(new PingMessage()) every ${ms} ms`,
          note: `Ping every ${seconds} s; cancel the task when the session closes.`,
          code: `import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.WebSocketSession;

public class Heartbeat {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    public static void start(WebSocketSession session) {
        TIMER.scheduleAtFixedRate(() -> {
            try {
                if (session.isOpen()) session.sendMessage(new PingMessage());
            } catch (IOException e) {
                // the session is gone; its close handler cleans up
            }
        }, ${ms}, ${ms}, TimeUnit.MILLISECONDS);
    }
}
`,
        };
      case 'grpc-message':
        return {
          title: 'Server (grpc-java): onNext(current) on a schedule',
          brief: `server (Java): responseObserver.onNext(current) every ${ms} ms until the call is cancelled`,
          note: `Send a message every ${seconds} s. ${PING_NOTE}`,
          code: `import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

public class Health extends HealthGrpc.HealthImplBase {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
        HealthCheckResponse current = HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build();
        ScheduledFuture<?> heartbeat = timer.scheduleAtFixedRate(() -> observer.onNext(current), 0, ${ms}, TimeUnit.MILLISECONDS);
        ((ServerCallStreamObserver<HealthCheckResponse>) observer).setOnCancelHandler(() -> heartbeat.cancel(false));
    }
}
`,
        };
      default:
        return assertNever(heartbeat);
    }
  },
};
