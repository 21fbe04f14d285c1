/*
 * Deep sleep for the ESP32 under Moddable XS: the SDK has none (modules/base/sleep is gecko only).
 * sleep(ms) arms the RTC timer and enters deep sleep; it never returns (the chip reboots on wake and
 * runs main again). wakeCause() says why this boot happened, so main can tell a timed wake from a
 * power-on, a crash or a watchdog reset.
 */

#include "xsmc.h"
#include "xsHost.h"

#include "esp_sleep.h"
#include "esp_system.h"

void xs_deepsleep_sleep(xsMachine *the)
{
	double ms = xsmcToNumber(xsArg(0));
	if (!(ms >= 0) || (ms > 1.0e12))		/* rejects NaN too */
		xsRangeError("invalid sleep duration");
	esp_sleep_enable_timer_wakeup((uint64_t)(ms * 1000.0));
	esp_deep_sleep_start();		/* does not return */
}

void xs_deepsleep_wake_cause(xsMachine *the)
{
	const char *cause;
	esp_reset_reason_t reason = esp_reset_reason();

	if (ESP_RST_DEEPSLEEP == reason)
		cause = (ESP_SLEEP_WAKEUP_TIMER == esp_sleep_get_wakeup_cause()) ? "timer" : "deep-sleep-other";
	else switch (reason) {
		case ESP_RST_POWERON:	cause = "power-on"; break;
		case ESP_RST_EXT:		cause = "external-reset"; break;
		case ESP_RST_SW:		cause = "software-reset"; break;
		case ESP_RST_PANIC:		cause = "panic"; break;
		case ESP_RST_INT_WDT:
		case ESP_RST_TASK_WDT:
		case ESP_RST_WDT:		cause = "watchdog"; break;
		case ESP_RST_BROWNOUT:	cause = "brownout"; break;
		default:				cause = "other"; break;
	}
	xsmcSetString(xsResult, (char *)cause);
}
