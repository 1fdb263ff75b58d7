// The CLI's help text and its usage error (exit code 2).

import { StreamHealthError } from '../core/errors.ts';
import { ENDPOINT_KINDS } from '../core/config.ts';

export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

export class UsageError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_USAGE', message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  stream-health watch [--config FILE | --url URL --kind KIND] [--heartbeat S] [--idle-timeout S]
                      [--duration S] [--json] [--verbose] [--log-format text|json]
                      [--metrics-listen HOST:PORT] [--otlp-endpoint URL [--otlp-header K=V]...
                      [--otlp-interval S]] [NETWORK OPTIONS]
  stream-health probe-idle --url URL --kind KIND [--max S] [--json] [NETWORK OPTIONS]
  stream-health watch --discover [--workspace DIR] [--heartbeat S] [--idle-timeout S] [--duration S] [--json]
                      [NETWORK OPTIONS]
  stream-health discover [--workspace DIR] [--json]
  stream-health login --url URL [--no-browser] [--timeout S] [--client-id ID] [--scopes "A B"]
  stream-health logout --url URL
  stream-health --help

Commands:
  watch        Keep streams open, show their health live, and diagnose why they die.
               Runs until --duration seconds have passed or Ctrl-C.
  probe-idle   Open one stream with client keepalive off and measure how long the path
               tolerates silence (or report that it survived --max seconds).
  discover     List the remote MCP servers VS Code, Claude Code, Cursor, Windsurf and Gemini CLI
               have configured (workspace files of DIR, default the current folder, and the
               files under $HOME / $XDG_CONFIG_HOME): name, kind, url, sources, status.
  login        Sign in to an OAuth-protected MCP server (prints the URL to open on stderr);
               watch and probe-idle then use and refresh the stored tokens.
  logout       Forget the sign-in (tokens) of an MCP server.

Options:
  --config FILE       JSON file {"endpoints": [...]} (same schema as the streamHealth.endpoints setting)
  --url URL           one endpoint to watch or probe
  --kind KIND         ${ENDPOINT_KINDS.join(' | ')}
  --heartbeat S       client heartbeat / liveness probe every S seconds (0 = off; default 15)
  --idle-timeout S    watchdog: drop a stream silent for S seconds (0 = off; default 3 x heartbeat)
  --discover          watch every discovered MCP server that is ready (see discover)
  --workspace DIR     the folder whose .vscode/mcp.json, .mcp.json, ... are read (default: current)
  --duration S        stop watching after S seconds
  --max S             probe-idle: give up waiting after S seconds (default 400)
  --no-browser        login: only print the sign-in URL, do not open a browser
  --timeout S         login: give up waiting for the browser after S seconds (default 300)
  --client-id ID      login: a client registered with the authorization server (no dynamic registration)
  --scopes "A B"      login: the scopes to ask for (default: those the server names)
  --json              print events as NDJSON, one object per line
  --verbose           also print message events (and heartbeat lines in human mode)
  --log-format F      text (default) or json: NDJSON events on stdout, JSON log lines on stderr
  -h, --help          show this help

Agent mode (watch; also the config file's "metrics" object; see docs/fleet.md):
  --metrics-listen HOST:PORT  serve Prometheus /metrics, /healthz, /readyz (a bare PORT = 127.0.0.1)
  --otlp-endpoint URL         push OTLP/HTTP protobuf metrics to URL (e.g. http://collector:4318/v1/metrics)
  --otlp-header K=V           header for the OTLP push (repeatable); V may use \${secret:NAME}
  --otlp-interval S           OTLP push interval (default 15)
  SIGHUP or a change of the --config file reloads the endpoints; SIGTERM closes every
  stream, pushes a last export and exits 0.

Network options (every endpoint):
  --proxy URL|off|auto  forward proxy http(s)://[user[:password]@]host:port, "off" for direct; default
                      auto: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY (upper or lower case);
                      localhost, 127.0.0.1 and ::1 always go direct under auto
  --ca-file FILE      PEM CA certificate(s) to trust besides the bundled and OS roots
  --cert FILE         PEM client certificate for mutual TLS (with --key)
  --key FILE          PEM private key of --cert (an encrypted key needs tls.keyPassphrase in --config)
  --no-system-ca      do not trust the operating system's certificate store (default: trusted)

Secrets: "\${secret:NAME}" in a header value, the proxy password or tls.keyPassphrase is read from
the environment variable STREAM_HEALTH_SECRET_<NAME> (NAME upper-cased, other characters as _).
Secrets are never printed.
Discovered servers: VS Code "\${input:ID}" is read from STREAM_HEALTH_SECRET_MCP_INPUT_<ID>;
"\${env:X}", "\${X}" and "\${X:-default}" from X itself, at connect time; a literal token in another
client's file is used in memory and never printed.

Sign-ins: tokens are kept in $XDG_CONFIG_HOME/stream-health/oauth.json (default ~/.config/...),
readable only by you (mode 0600). They are never printed.

Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error.
`;
