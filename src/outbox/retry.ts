// When to try a failed email again: one row per error class (data, not branches), exponential
// backoff with jitter. The jitter source is injected so tests and simulations are deterministic.

/** How a failed delivery is treated. */
export type RetryClass =
  | "transient" // network, PDP context, modem timeout, TLS handshake: try again soon
  | "throttled" // the server said "later" (SMTP 421, 450, 451, 452): back off from a longer base
  | "permanent"; // the server refused the message for good (SMTP 5xx, invalid address): never retry

export interface RetryRule {
  /** False: the record becomes a dead letter on its first failure of this class. */
  readonly retry: boolean;
  /** Delay after the first failure, in seconds. */
  readonly baseSeconds: number;
  /** Upper bound of the doubled delay, in seconds. */
  readonly maxSeconds: number;
  /**
   * Fraction of the delay that is randomised: the delay is taken from [d * (1 - jitter), d], so a
   * fleet woken by the same outage does not retry in lock-step, and no delay exceeds maxSeconds.
   */
  readonly jitter: number;
}

/** The retry table. Six hours caps the wait so an alarm box on a long outage still retries a few times a day. */
export const RETRY_RULES: Readonly<Record<RetryClass, RetryRule>> = Object.freeze({
  transient: Object.freeze({ retry: true, baseSeconds: 60, maxSeconds: 6 * 3600, jitter: 0.25 }),
  throttled: Object.freeze({ retry: true, baseSeconds: 600, maxSeconds: 6 * 3600, jitter: 0.25 }),
  permanent: Object.freeze({ retry: false, baseSeconds: 0, maxSeconds: 0, jitter: 0 }),
});

/** The longest delay any rule can produce: a stored retry time further ahead than this means the clock went back. */
export const MAX_RETRY_DELAY_SECONDS = 6 * 3600;

/** SMTP reply codes that mean "the server is busy, come back later" rather than "never". */
const THROTTLE_CODES: readonly number[] = Object.freeze([421, 450, 451, 452]);

/**
 * Sorts a failure into a retry class. `retryable` comes from the typed error (AtError / the EC20
 * error table); `code` is the SMTP or modem code.
 */
export function classifyFailure(code: number, retryable: boolean): RetryClass {
  if (THROTTLE_CODES.indexOf(code) >= 0) return "throttled";
  return retryable ? "transient" : "permanent";
}

/**
 * Seconds to wait after the `attempts`-th failed attempt (1 = the first failure), or -1 when the
 * class never retries. `random` returns a number in [0, 1).
 */
export function retryDelaySeconds(
  rules: Readonly<Record<RetryClass, RetryRule>>,
  retryClass: RetryClass,
  attempts: number,
  random: () => number,
): number {
  const rule = rules[retryClass];
  if (!rule.retry) return -1;
  // 2^(attempts-1) overflows nothing: the exponent is capped long before the delay would.
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const nominal = Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** exponent);
  const r = random();
  const unit = r >= 0 && r < 1 ? r : 0;
  return Math.max(1, Math.floor(nominal * (1 - rule.jitter * unit)));
}
