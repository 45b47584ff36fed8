// Debian's Chromium for the end-to-end tests (a test tool's own browser download is unreachable
// here), with the flags that work as root on these machines and keep it off the network.
import { type Browser, chromium } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.PULSE_CHROMIUM ?? "/usr/bin/chromium", args: FLAGS });
}
