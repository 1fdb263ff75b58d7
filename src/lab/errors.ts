// Errors raised by the lab (servers, child processes, proxies), each with a stable code and a hint.

export class LabError extends Error {
  readonly code: string;
  override readonly name = 'LabError';
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export const labErrors = {
  spawn: (what: string, detail: string) =>
    new LabError('SH_ERR_LAB_SPAWN', `Could not start ${what}: ${detail}. Check that it is installed and that the port is free.`),
  timeout: (what: string, ms: number) =>
    new LabError('SH_ERR_LAB_TIMEOUT', `${what} was not ready within ${ms} ms; the machine may be overloaded, try again.`),
  unavailable: (what: string) =>
    new LabError('SH_ERR_LAB_UNAVAILABLE', `${what} is not installed; install it (apt-get install ${what}) or use the built-in stand-in.`),
  option: (message: string) => new LabError('SH_ERR_LAB_OPTION', message),
};
