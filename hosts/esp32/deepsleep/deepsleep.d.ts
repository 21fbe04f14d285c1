// Types of the native deep-sleep module (deepsleep.js / deepsleep.c). Ambient, like Moddable's own
// typings, so both mcconfig (which maps "deepsleep" here) and tsconfig.esp32.json resolve it.

declare module "deepsleep" {
  /** Why this boot happened: esp_reset_reason(), and esp_sleep_get_wakeup_cause() after deep sleep. */
  export type WakeCause =
    | "timer"
    | "deep-sleep-other"
    | "power-on"
    | "external-reset"
    | "software-reset"
    | "panic"
    | "watchdog"
    | "brownout"
    | "other";
  /** Arms the RTC timer for `ms` milliseconds and enters deep sleep. Never returns: the wake is a reboot. */
  export function sleep(ms: number): never;
  export function wakeCause(): WakeCause;
}
