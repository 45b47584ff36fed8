import { expect, test } from "vitest";

test("the widgets take the CSP nonce of the script that loaded them, for Lit's <style> fallback", async () => {
  const moduleUrl = new URL("./csp-nonce.ts", import.meta.url).href;
  // Stands for `<script type="module" nonce="…" src="…/pulse-widgets.js">`; text/plain keeps it from running twice.
  const script = document.createElement("script");
  script.type = "text/plain";
  script.nonce = "r4nd0m";
  script.src = moduleUrl;
  document.head.append(script);
  try {
    delete window.litNonce;
    await import("./csp-nonce");
    expect(window.litNonce).toBe("r4nd0m");
  } finally {
    script.remove();
  }
});
