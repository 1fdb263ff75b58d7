// The `mcp` and `mcp-sse` transports: detects the era a server speaks, newest first, per the MCP spec's
// backward-compatibility rules (2026-07-28 -> 2025 Streamable HTTP -> 2024-11-05 HTTP+SSE), remembers it
// in the resume state, and runs that era's long-lived stream. The eras live in ./mcp/*.ts.

import type { ConnectContext, Transport } from '../core/transport.ts';
import { HttpAttempt } from './http/index.ts';
import { runLegacySse, LEGACY_SSE_VERSION } from './mcp/legacySse.ts';
import { MODERN_VERSION, runModern } from './mcp/modern.ts';
import { PostLog } from './mcp/postLog.ts';
import type { SweepState } from './mcp/postLog.ts';
import type { McpContext } from './mcp/rpc.ts';
import { runStreamable } from './mcp/streamable.ts';

export { LEGACY_SSE_VERSION, MODERN_VERSION };
export { STREAMABLE_VERSION } from './mcp/streamable.ts';

export function connectMcp(context: ConnectContext): Transport {
  const attempt = new HttpAttempt(context);
  let counter = 0;
  const posts = new PostLog(context.sink, context.config.heartbeatSeconds * 1000, context.resume as SweepState);
  const ctx: McpContext = {
    attempt,
    config: context.config,
    sink: context.sink,
    resume: context.resume,
    posts,
    nextId: () => ++counter,
  };
  posts.setProbe(() => (ctx.probe ? ctx.probe() : Promise.reject(new Error('the MCP session is not open yet'))));
  attempt.whenEnded(() => posts.stop());
  if (attempt.client) void detectAndRun(ctx);
  return {
    probe: () => {
      if (attempt.ended) return Promise.reject(new Error('the MCP stream has ended'));
      if (!ctx.probe) return Promise.reject(new Error('the MCP session is not open yet'));
      return ctx.probe();
    },
    close(cause, detail) {
      attempt.end({ cause, detail, retryable: true });
    },
  };
}

async function detectAndRun(ctx: McpContext): Promise<void> {
  const { attempt, config, resume } = ctx;
  try {
    if (config.kind === 'mcp-sse' || resume.mcpEra === LEGACY_SSE_VERSION) return await runLegacySse(ctx);
    const fallbacks: string[] = [];
    if (resume.mcpEra !== '2025') {
      const modern = await runModern(ctx);
      if (!modern || attempt.ended) return;
      fallbacks.push(modern.fallback);
    }
    const streamable = await runStreamable(ctx);
    if (!streamable || attempt.ended) return;
    fallbacks.push(streamable.fallback);
    // The last resort; if this is not an HTTP+SSE server either, the failure says what each era's probe saw.
    await runLegacySse(ctx, fallbacks);
  } catch (error) {
    attempt.fail(error);
  }
}
