/*
 * Bindings of deepsleep.c. Plain JavaScript because TypeScript cannot parse XS's `@ "name"` host
 * function syntax; deepsleep.d.ts gives TypeScript the types.
 */

export function sleep(ms) @ "xs_deepsleep_sleep";
export function wakeCause() @ "xs_deepsleep_wake_cause";
