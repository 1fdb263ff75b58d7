// Errors raised by the lab (servers, child processes, proxies), each with a stable code and a hint.

import { StreamHealthError } from '../core/errors.ts';

export class LabError extends StreamHealthError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'LabError';
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
