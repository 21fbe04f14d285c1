// The manual's numeric limits in one place, shared by the command declarations and by email validation
// (src/mail), so a limit is stated once with its source.

/** <username>, <password>, <sender_name>, <sender_email>, <srvaddr> (2.1), <emailaddr> (2.2),
 *  <file_name> (2.5): "The maximum size of the parameter is 50 bytes". */
export const SMTP_STRING_MAX_BYTES = 50;
/** 2.2: "The maximum number of recipients is 20, including CC recipients and BCC recipients." */
export const MAX_RECIPIENTS = 20;
/** 2.5: "The maximum number of attachments is 10." <file_index> 1-10. */
export const MAX_ATTACHMENTS = 10;
/** 2.3: ASCII subject length 0-100. */
export const SUBJECT_ASCII_MAX_CHARS = 100;
/** 2.3: a non-ASCII subject is a hex string of even length 0-200 (so at most 100 bytes). */
export const SUBJECT_HEX_MAX_DIGITS = 200;
/** 2.4: <body_length> 1-10240 bytes. */
export const BODY_MAX_BYTES = 10240;
/** 2.4: <input_time> 1-65535 s, default 90. */
export const BODY_INPUT_TIME_S = { min: 1, max: 65535, default: 90 } as const;
/** 2.7: AT+QSMTPPUT=<timeout>, 60-65535 s. */
export const PUT_TIMEOUT_S = { min: 60, max: 65535 } as const;
/** 2.1: <contextid> 1-16; facts 3: AT+QICSGP/QIACT cid 1-16. */
export const CONTEXT_ID = { min: 1, max: 16 } as const;
/** 2.1: <sslctxid> 0-5; facts 2: AT+QSSLCFG ctxID 0-5. */
export const SSL_CONTEXT_ID = { min: 0, max: 5 } as const;
/** The drive prefix of module RAM files (2.5 example: "RAM:test.txt"). It counts toward <file_name>'s 50 bytes. */
export const RAM_PREFIX = "RAM:";
/** Facts 1: AT+QFUPL file names up to 80 bytes. */
export const FILE_NAME_MAX_BYTES = 80;
/** Facts 1: AT+QFUPL <timeout> 1-65535 s (default 5). */
export const UPLOAD_TIMEOUT_S = { min: 1, max: 65535, default: 5 } as const;
/** Facts 1: ACK mode answers one `A` per 1024 bytes received. */
export const UPLOAD_ACK_BLOCK = 1024;
/** Facts 4: AT+IPR rates the EC20 accepts. */
export const BAUD_RATES: readonly number[] = Object.freeze([
  4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 2900000, 3000000, 3200000, 3686400, 4000000,
]);

/** Which limit a value broke; shared vocabulary of ArgumentError (ec20) and ValidationError (mail). */
export type LimitRule =
  | "required" // missing or empty
  | "max-bytes" // longer than `limit` bytes
  | "range" // integer outside [min, max]
  | "count" // too many (or too few) items
  | "unsafe-char" // a character that could end an AT quote or line (", \, control, non-ASCII)
  | "syntax" // not a mailbox / file name / hex string
  | "duplicate" // two attachments with the same name
  | "encoding"; // ill-formed UTF-16 (a lone surrogate) or UTF-8
