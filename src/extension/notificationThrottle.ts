// Decides whether a diagnosis deserves a notification: at most one per endpoint and finding per
// window (an hour by default), so a flapping stream cannot bury the user in toasts. Pure, clock injected.

export const NOTIFY_WINDOW_MS = 3_600_000;
/** Keys kept at most; the oldest are forgotten first (endpoints come and go). */
const MAX_KEYS = 1000;

export class NotificationThrottle {
  private readonly lastShown = new Map<string, number>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: { windowMs?: number; now?: () => number } = {}) {
    this.windowMs = options.windowMs ?? NOTIFY_WINDOW_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** True (and remembers it) when this endpoint+finding was not shown within the window. */
  shouldNotify(endpoint: string, finding: string): boolean {
    const key = `${endpoint}\u0000${finding}`;
    const now = this.now();
    const last = this.lastShown.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastShown.delete(key);
    this.lastShown.set(key, now);
    if (this.lastShown.size > MAX_KEYS) this.lastShown.delete(this.lastShown.keys().next().value!);
    return true;
  }

  /** Forget an endpoint (its history was cleared or it was removed). */
  forget(endpoint?: string): void {
    if (endpoint === undefined) return this.lastShown.clear();
    for (const key of [...this.lastShown.keys()]) if (key.startsWith(`${endpoint}\u0000`)) this.lastShown.delete(key);
  }
}
