#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so `pulse` works from a
// checkout without a build step and receives signals (SIGTERM drains) itself.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
