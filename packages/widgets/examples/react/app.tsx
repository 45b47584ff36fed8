/**
 * Using the widgets from React through `@pulse/widgets/react` (wrappers made with @lit/react).
 * The token comes from your backend, signed with the workspace secret; never sign it in the browser.
 */
import { useState } from "react";
import { createRoot } from "react-dom/client";
import type { PulseSubmitDetail } from "../../src/index";
import { PulseHealthBadge, PulseNpsSurvey } from "../../src/react/index";

const endpoint = "https://pulse.example.com";
const publishableKey = "pk_live_example";

function AccountHeader({ accountToken }: { accountToken: string }) {
  return (
    <PulseHealthBadge
      endpoint={endpoint}
      publishableKey={publishableKey}
      token={accountToken}
      variant="detailed"
    />
  );
}

function InAppSurvey({ contactToken }: { contactToken: string }) {
  const [lastAnswer, setLastAnswer] = useState<PulseSubmitDetail>();
  return (
    <>
      <PulseNpsSurvey
        endpoint={endpoint}
        publishableKey={publishableKey}
        token={contactToken}
        survey="nps-main"
        placement="bottom-right"
        theme="auto"
        text-thanks-message="Your feedback goes straight to our product team."
        onPulseSubmit={(event) => setLastAnswer(event.detail)}
        onPulseError={(event) => console.warn("Pulse survey:", event.detail.code, event.detail.message)}
      />
      {lastAnswer && <p>Thanks for the {lastAnswer.score}!</p>}
    </>
  );
}

export function App({ accountToken, contactToken }: { accountToken: string; contactToken: string }) {
  return (
    <main>
      <AccountHeader accountToken={accountToken} />
      <InAppSurvey contactToken={contactToken} />
    </main>
  );
}

const root = document.getElementById("root");
if (root)
  createRoot(root).render(<App accountToken="tok_from_your_backend" contactToken="tok_from_your_backend" />);
