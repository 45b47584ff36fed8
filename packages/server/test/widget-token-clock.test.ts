// A token's lifetime counts from the signer's clock: a signer pinned to another day than the wall
// clock (the bench's servers answer as of their data set's day) issues tokens that a server on that
// same clock accepts, whatever day the run happens on.
import { describe, expect, it } from "vitest";
import { signWidgetToken, verifyWidgetToken } from "../src/auth/widget-token.ts";

const SECRET = "whsec_clock_test_secret";
const DATA_SET_NOW = new Date("2026-03-10T12:00:00Z");

describe("widget tokens on a pinned clock", () => {
  it("issues at the given instant and expires its lifetime after it", async () => {
    const token = await signWidgetToken(
      { workspaceId: "w1", account: "a1", contact: "c1", issuedAt: DATA_SET_NOW, expiresInSeconds: 600 },
      SECRET,
    );
    const identity = await verifyWidgetToken(token, SECRET, DATA_SET_NOW);
    expect(identity.expiresAt?.toISOString()).toBe("2026-03-10T12:10:00.000Z");
    await expect(verifyWidgetToken(token, SECRET, new Date("2026-03-10T12:11:00Z"))).rejects.toThrow(
      "expired",
    );
  });

  it("defaults to the wall clock", async () => {
    const token = await signWidgetToken({ workspaceId: "w1", account: "a1", contact: "c1" }, SECRET);
    const identity = await verifyWidgetToken(token, SECRET);
    const lifetime = (identity.expiresAt?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(3_500_000);
    expect(lifetime).toBeLessThanOrEqual(3_600_000);
  });
});
