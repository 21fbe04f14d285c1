// The EC20's command set: one declaration per command (syntax, limits, timeout, response parser) and a
// typed function over a CommandChannel for each. The declarations live by area under commands/.

export * from "./commands/declare";
export * from "./commands/run";
export * from "./commands/timeouts";
export * from "./commands/checksum";
export * from "./commands/general";
export * from "./commands/pdp";
export * from "./commands/ssl";
export * from "./commands/file";
export * from "./commands/smtp";
export * from "./commands/table";
