// Measure Idle Timeout…: opens one extra stream with our heartbeats and watchdog off (core
// runIdleProbe), shows a cancellable progress notification, and reports the cutoff and the
// heartbeat that would keep the path open.

import * as vscode from 'vscode';
import { StreamHealthError } from '../../core/errors.ts';
import { formatDuration } from '../../core/format.ts';
import { runIdleProbe, type IdleProbeResult } from '../../core/idleProbe.ts';
import { errorMessage } from '../../core/util.ts';
import { lazyTransports } from '../../transports/loader.ts';
import { SECRET_HINT } from '../endpointManager.ts';
import { probeNotice, heartbeatSecondsFor } from '../probeText.ts';
import { KEEP_OPEN, type CommandContext } from './context.ts';
import { ALL, pickEndpoint } from './pickEndpoint.ts';

/** Longer than every documented default cutoff (AWS NLB 350 s) with margin. */
export const DEFAULT_PROBE_SECONDS = 400;
const PROBE_CHOICES = [
  { label: '2 minutes', description: 'nginx, AWS ALB, Heroku, Cloudflare', seconds: 120 },
  { label: '6 minutes 40 seconds', description: 'also Traefik, Azure Container Apps, Envoy, AWS NLB', seconds: DEFAULT_PROBE_SECONDS },
  { label: '15 minutes', description: 'long custom timeouts', seconds: 900 },
];

export interface MeasureArgs {
  readonly maxSeconds?: number;
}

/** Resolves to the probe result, or undefined when the user backed out before it started. */
export async function measureIdleTimeout(ctx: CommandContext, name?: string, args: MeasureArgs = {}): Promise<IdleProbeResult | undefined> {
  let target = name;
  if (target === undefined) {
    const picked = await pickEndpoint(ctx.manager, { title: 'Stream Health: Measure Idle Timeout' });
    if (picked === undefined || picked === ALL) return undefined;
    target = picked;
  }
  const unavailable = ctx.manager.whyUnavailable(target);
  if (unavailable) {
    void vscode.window.showWarningMessage(`Stream Health: ${unavailable}`);
    return undefined;
  }
  const config = ctx.manager.endpoints().find((e) => e.name === target)!;
  let maxSeconds = args.maxSeconds;
  if (maxSeconds === undefined && name === undefined) {
    const choice = await vscode.window.showQuickPick(PROBE_CHOICES, { title: `Measure Idle Timeout of ${target}`, placeHolder: 'Wait for a cutoff for at most…', ...KEEP_OPEN });
    if (!choice) return undefined;
    maxSeconds = choice.seconds;
  }
  const maxMs = Math.max(1, maxSeconds ?? DEFAULT_PROBE_SECONDS) * 1000;
  ctx.log.info(`[${target}] idle probe started (at most ${formatDuration(maxMs)})`);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Stream Health: measuring the idle timeout of ${target}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      const started = Date.now();
      let lastPercent = 0;
      const ticker = setInterval(() => {
        const elapsed = Date.now() - started;
        const percent = Math.min(99, Math.floor((elapsed / maxMs) * 100));
        progress.report({ message: `${formatDuration(elapsed)} of silence so far (gives up after ${formatDuration(maxMs)})`, increment: percent - lastPercent });
        lastPercent = percent;
      }, 1000);
      try {
        return await runIdleProbe({
          config,
          transportFactory: lazyTransports(),
          maxMs,
          signal: abort.signal,
          resolveSecret: (secret) => ctx.secrets.get(secret),
          secretHint: SECRET_HINT,
        });
      } finally {
        clearInterval(ticker);
        cancel.dispose();
      }
    },
  ).then(undefined, (error: unknown) => {
    const message = ctx.redactor.redact(errorMessage(error));
    ctx.log.error(`[${target}] idle probe failed: ${message}`);
    const code = error instanceof StreamHealthError ? error.code : 'SH_ERR_PROBE_FAILED';
    throw new StreamHealthError(code, `Stream Health: measuring the idle timeout failed: ${message}`);
  });

  const text = ctx.redactor.redact(probeNotice(target, result));
  ctx.log.info(`[${target}] idle probe: ${text}`);
  const actions = result.recommendedHeartbeatMs !== undefined ? ['Copy Recommendation'] : [];
  void vscode.window.showInformationMessage(`Stream Health: ${text}`, ...actions).then((choice) => {
    if (choice) void vscode.env.clipboard.writeText(`"heartbeatSeconds": ${heartbeatSecondsFor(result.recommendedHeartbeatMs!)}`);
  });
  return result;
}
