// The HTTP transports (MCP, MCP HTTP+SSE, SSE) and the OAuth sign-in, shipped as one lazily loaded
// file (dist/transports/http.cjs) because they share undici: the extension loads it when the first
// HTTP endpoint starts or a sign-in begins, never at activation. Load it through ../loader.ts.

export { connectMcp } from '../mcp.ts';
export { connectSse } from '../sse.ts';
export { networkFetch } from '../http/networkFetch.ts';
export { accountProviderFor, AuthFlowError, discoverResource, signIn } from '../oauth/flow.ts';
export { startLoopbackRedirect } from '../oauth/loopback.ts';
export { withSignIn } from '../oauth/withSignIn.ts';
