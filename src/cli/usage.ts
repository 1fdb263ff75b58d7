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
                      [--duration S] [--json] [--verbose]
  stream-health probe-idle --url URL --kind KIND [--max S] [--json]
  stream-health login --url URL [--no-browser] [--timeout S] [--client-id ID] [--scopes "A B"]
  stream-health logout --url URL
  stream-health --help

Commands:
  watch        Keep streams open, show their health live, and diagnose why they die.
               Runs until --duration seconds have passed or Ctrl-C.
  probe-idle   Open one stream with client keepalive off and measure how long the path
               tolerates silence (or report that it survived --max seconds).
  login        Sign in to an OAuth-protected MCP server (prints the URL to open on stderr);
               watch and probe-idle then use and refresh the stored tokens.
  logout       Forget the sign-in (tokens) of an MCP server.

Options:
  --config FILE       JSON file {"endpoints": [...]} (same schema as the streamHealth.endpoints setting)
  --url URL           one endpoint to watch or probe
  --kind KIND         ${ENDPOINT_KINDS.join(' | ')}
  --heartbeat S       client heartbeat / liveness probe every S seconds (0 = off; default 15)
  --idle-timeout S    watchdog: drop a stream silent for S seconds (0 = off; default 3 x heartbeat)
  --duration S        stop watching after S seconds
  --max S             probe-idle: give up waiting after S seconds (default 400)
  --no-browser        login: only print the sign-in URL, do not open a browser
  --timeout S         login: give up waiting for the browser after S seconds (default 300)
  --client-id ID      login: a client registered with the authorization server (no dynamic registration)
  --scopes "A B"      login: the scopes to ask for (default: those the server names)
  --json              print events as NDJSON, one object per line
  --verbose           also print message events (and heartbeat lines in human mode)
  -h, --help          show this help

Header secrets: a header value "\${secret:NAME}" is read from the environment variable
STREAM_HEALTH_SECRET_<NAME> (NAME upper-cased, other characters as _). Secrets are never printed.

Sign-ins: tokens are kept in $XDG_CONFIG_HOME/stream-health/oauth.json (default ~/.config/...),
readable only by you (mode 0600). They are never printed.

Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error.
`;
