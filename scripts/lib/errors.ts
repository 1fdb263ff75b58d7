// Errors raised by the developer scripts (code-server install/launch, browser harness), each with a
// stable SH_ERR_* code and a message that says what to do next.
import { StreamHealthError } from '../../src/core/errors.ts';

export class ToolError extends StreamHealthError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ToolError';
  }
}

/** A child command (npm, node-gyp, vsce) exited non-zero. */
export class CommandFailedError extends ToolError {
  constructor(what: string, exit: string, hint: string) {
    super('SH_ERR_COMMAND_FAILED', `${what} failed (${exit}). ${hint}`);
    this.name = 'CommandFailedError';
  }
}

/** Something we started did not reach the expected state within its deadline. */
export class StartTimeoutError extends ToolError {
  constructor(what: string, ms: number, hint: string) {
    super('SH_ERR_START_TIMEOUT', `${what} was not ready after ${Math.round(ms / 1000)} s. ${hint}`);
    this.name = 'StartTimeoutError';
  }
}
