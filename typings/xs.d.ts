// Globals of the XS engine that device code may use (Moddable xs/includes/xs.d.ts), reduced.

interface Trace {
  (...log: (string | number | boolean)[]): void;
}
/** Writes to xsbug (debug builds); release builds drop it. */
declare const trace: Trace;
