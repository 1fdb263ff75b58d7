// Error classes with a stable `code` (SH_ERR_*), a `name` and a message that says what to do.
// Messages never carry secrets: callers pass already-redacted text.

export class StreamHealthError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamHealthError';
    this.code = code;
  }
}

export class ConfigError extends StreamHealthError {
  constructor(message: string) {
    super('SH_ERR_CONFIG', message);
    this.name = 'ConfigError';
  }
}

export class IllegalTransitionError extends StreamHealthError {
  readonly from: string;
  readonly to: string;
  constructor(endpoint: string, from: string, to: string) {
    super('SH_ERR_ILLEGAL_TRANSITION', `${endpoint}: illegal state change ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

export class MissingSecretError extends StreamHealthError {
  readonly secret: string;
  constructor(endpoint: string, secret: string, hint: string) {
    super('SH_ERR_MISSING_SECRET', `${endpoint}: secret "${secret}" is not set. ${hint}`);
    this.name = 'MissingSecretError';
    this.secret = secret;
  }
}

export class UnknownEndpointError extends StreamHealthError {
  constructor(endpoint: string) {
    super('SH_ERR_UNKNOWN_ENDPOINT', `no endpoint named "${endpoint}" is configured`);
    this.name = 'UnknownEndpointError';
  }
}

/** A value the type system says cannot exist reached a switch: a new union member lacks its case. */
export class UnreachableError extends StreamHealthError {
  constructor(value: unknown) {
    super('SH_ERR_UNREACHABLE', `unhandled value ${JSON.stringify(value)}: a new kind or finding has no case here`);
    this.name = 'UnreachableError';
  }
}

/** For the end of an exhaustive switch: a missing case is a compile error, and a runtime error if it slips through. */
export function assertNever(value: never): never {
  throw new UnreachableError(value);
}
