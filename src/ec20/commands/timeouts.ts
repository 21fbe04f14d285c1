// Response deadlines, stated once with their source. The channel's deadline runs from the moment the
// line is written, so each carries a margin over the module's own figure for queueing and URCs.

/** Most EC20 commands answer within 300 ms ("Maximum Response Time 300ms" in the EC20 AT Commands
 *  Manual, recalled, [U]); 1 s leaves room for a URC burst arriving first at 115200 baud. */
export const QUICK_MS = 1_000;
/** AT+CPIN?: 5 s in the EC20 AT Commands Manual (recalled, [U]); the SIM may still be initialising. */
export const SIM_MS = 5_000;
/** AT+CGATT=1: "140 s, determined by network" in the EC20 AT Commands Manual (recalled, [U]). */
export const ATTACH_MS = 140_000;
/** AT+QIACT: facts 3 [C]: allow 150 s; if there is no answer, reboot the module. */
export const PDP_ACTIVATE_MS = 150_000;
/** AT+QIDEACT: facts 3 [C]: allow 40 s. */
export const PDP_DEACTIVATE_MS = 40_000;
/** QSMTP configuration and editing commands and the FILE commands: the manuals give no figure ([I]);
 *  they are local operations, 5 s is generous without hiding a stuck module for long. */
export const LOCAL_MS = 5_000;
/** Margin added to a command's own <timeout>/<input_time> (QFUPL, QSMTPBODY, QSMTPPUT): the module
 *  reports the time-out itself, and we want to hear that report rather than cut it short. */
export const OWN_TIMEOUT_MARGIN_MS = 10_000;
/** AT+QPOWD: facts 4 [C]: POWERED DOWN within 60 s; cut power anyway after 65 s. */
export const POWER_DOWN_URC_MS = 65_000;
