// Fixes for keepalive-mismatch: the server keeps idle keep-alive connections open longer than the
// proxy in front keeps its upstream connections, in the server's language (Node, Go, Python), plus
// the proxy's own upstream keep-alive setting from the catalogue.

import { assertNever } from '../../core/errors.ts';
import { byName } from '../../core/intermediaries.ts';
import { recommendedServerKeepaliveMs } from '../../core/keepaliveMismatch.ts';
import type { Finding } from '../../core/model.ts';
import type { ServerLanguage } from './serverLanguages.ts';
import type { Snippet } from './snippet.ts';

/** The server keep-alive a keepalive-mismatch finding recommends, in ms (whole seconds). */
export function serverKeepaliveMs(finding: Finding): number {
  const upstream = finding.match ? byName(finding.match)?.upstreamKeepalive?.defaultMs : undefined;
  return recommendedServerKeepaliveMs(upstream, finding.estimateMs ?? 5_000);
}

export function nodeKeepaliveSnippet(ms: number): Snippet {
  return {
    id: 'server-keepalive-node', side: 'server', language: 'typescript',
    title: 'Server (Node http): keepAliveTimeout longer than the proxy\'s upstream keep-alive',
    note: 'Node closes idle keep-alive connections after 5 s by default (Node 24 adds keepAliveTimeoutBuffer, 1 s, to the socket timeout). headersTimeout must be longer than keepAliveTimeout.',
    brief: `server (Node): server.keepAliveTimeout = ${ms}; server.headersTimeout = ${ms + 1000};`,
    code: `import * as http from 'node:http';

const server = http.createServer(handler);
// Longer than the proxy keeps idle upstream connections, so the proxy, not the server, closes them.
server.keepAliveTimeout = ${ms};
server.headersTimeout = ${ms + 1000};
server.listen(3000);

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.end('ok');
}
`,
  };
}

export function goKeepaliveSnippet(ms: number): Snippet {
  const seconds = ms / 1000;
  return {
    id: 'server-keepalive-go', side: 'server', language: 'go',
    title: 'Server (Go net/http): IdleTimeout longer than the proxy\'s upstream keep-alive',
    note: 'With IdleTimeout 0, Go uses ReadTimeout for idle connections; set it explicitly.',
    brief: `server (Go): http.Server{IdleTimeout: ${seconds} * time.Second}`,
    code: `package main

import (
	"net/http"
	"time"
)

func main() {
	server := &http.Server{
		Addr:              ":3000",
		Handler:           http.DefaultServeMux,
		ReadHeaderTimeout: 10 * time.Second,
		// Longer than the proxy keeps idle upstream connections.
		IdleTimeout: ${seconds} * time.Second,
	}
	_ = server.ListenAndServe()
}
`,
  };
}

export function uvicornKeepaliveSnippet(ms: number): Snippet {
  const seconds = ms / 1000;
  return {
    id: 'server-keepalive-python', side: 'server', language: 'python',
    title: 'Server (Python uvicorn): --timeout-keep-alive longer than the proxy\'s upstream keep-alive',
    note: 'uvicorn closes idle keep-alive connections after 5 s by default.',
    brief: `server (uvicorn): --timeout-keep-alive ${seconds}`,
    code: `import uvicorn

if __name__ == "__main__":
    # Longer than the proxy keeps idle upstream connections (uvicorn's default is 5 s).
    uvicorn.run("app:app", host="0.0.0.0", port=3000, timeout_keep_alive=${seconds})
`,
  };
}

export function springKeepaliveSnippet(ms: number): Snippet {
  const seconds = ms / 1000;
  return {
    id: 'server-keepalive-java', side: 'server', language: 'java',
    title: 'Server (Spring Boot, Tomcat): keep-alive-timeout longer than the proxy\'s upstream keep-alive',
    note: 'When unset, Tomcat uses its connection timeout for idle keep-alive connections. In application.properties: server.tomcat.keep-alive-timeout=' + `${seconds}s`,
    brief: `server (Spring Boot): server.tomcat.keep-alive-timeout=${seconds}s`,
    code: `import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class KeepAliveConfig {
    // Longer than the proxy keeps idle upstream connections (same as server.tomcat.keep-alive-timeout=${seconds}s).
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> keepAlive() {
        return factory -> factory.addConnectorCustomizers(connector ->
            connector.setProperty("keepAliveTimeout", "${ms}"));
    }
}
`,
  };
}

/** Rust servers differ by framework; the rule is what carries over. */
function rustKeepaliveSnippet(ms: number): Snippet {
  return {
    id: 'server-keepalive-rust', side: 'server', language: 'text',
    title: 'Server (Rust): idle keep-alive longer than the proxy\'s upstream keep-alive',
    brief: `server (Rust): any idle keep-alive timeout on the server above ${ms / 1000} s`,
    code: `If your server (or a layer in front of it in the same process) closes idle keep-alive\nconnections, make that timeout longer than ${ms / 1000} s: longer than the proxy keeps its\nupstream connections, so the proxy, not the server, closes them.\n`,
  };
}

/** The server fix for a keepalive-mismatch finding in the card's language. */
export function keepaliveSnippetIn(language: ServerLanguage, finding: Finding): Snippet {
  const ms = serverKeepaliveMs(finding);
  switch (language) {
    case 'typescript': return nodeKeepaliveSnippet(ms);
    case 'go': return goKeepaliveSnippet(ms);
    case 'python': return uvicornKeepaliveSnippet(ms);
    case 'java': return springKeepaliveSnippet(ms);
    case 'rust': return rustKeepaliveSnippet(ms);
    default: return assertNever(language);
  }
}

/** The proxy's own upstream keep-alive setting, when the finding named a catalogued proxy. */
function proxyKeepaliveSnippet(finding: Finding): Snippet | undefined {
  const entry = finding.match ? byName(finding.match) : undefined;
  const upstream = entry?.upstreamKeepalive;
  if (!entry || !upstream) return undefined;
  const shorter = Math.max(1, Math.floor(((finding.estimateMs ?? 5_000) / 2) / 1000));
  if (entry.name === 'nginx') {
    return {
      id: 'nginx-upstream-keepalive', side: 'intermediary', language: 'nginx',
      title: 'nginx: upstream keepalive_timeout shorter than the server\'s keep-alive',
      brief: `nginx: keepalive_timeout ${shorter}s; in the upstream block`,
      code: `upstream backend {\n    server 127.0.0.1:3000;\n    keepalive 16;\n    # Shorter than the server's idle keep-alive (measured: about ${finding.estimateMs} ms).\n    keepalive_timeout ${shorter}s;\n}\n`,
    };
  }
  return {
    id: `upstream-keepalive-${entry.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, side: 'intermediary', language: 'text',
    title: `${entry.name}: upstream keep-alive`,
    brief: `${entry.name}: ${upstream.knob}`,
    code: `${entry.name}: ${upstream.knob}\n${entry.docs}\n`,
  };
}

/**
 * The server fix (Node; the dashboard swaps in the card's language with keepaliveSnippetIn), then the
 * proxy's own setting. The finding's `fix` text names the Go and Python settings too.
 */
export function keepaliveSnippets(finding: Finding): Snippet[] {
  const proxy = proxyKeepaliveSnippet(finding);
  return [nodeKeepaliveSnippet(serverKeepaliveMs(finding)), ...(proxy ? [proxy] : [])];
}
