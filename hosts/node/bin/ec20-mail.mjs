#!/usr/bin/env node
// The installed `ec20-mail` command: registers tsx's loader so Node runs the TypeScript CLI as is.
import { register } from "tsx/esm/api";

register();
await import("../cli.ts");
