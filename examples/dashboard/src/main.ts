// The page at /demo/dashboard: the language from `?lang=` (else the page's own); a scope from
// `?csm=`, `?seg=` or `?acc=` (repeatable) is passed on to the demo's viewer-token route, so the
// same page shows what a CSM or a segment's viewer would see. Then the dashboard (imported
// last: it starts reading as soon as it is defined).
const parameters = new URLSearchParams(location.search);
const requested = parameters.get("lang");
if (requested && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(requested))
  document.documentElement.lang = requested;
document.title = document.documentElement.lang.startsWith("de")
  ? "Pulse – Kundenerfolg"
  : "Pulse – Customer success";

const dashboard = document.querySelector("pulse-dashboard");
const scope = new URLSearchParams(
  [...parameters].filter(([name, value]) => ["csm", "seg", "acc"].includes(name) && value !== ""),
);
if (dashboard && scope.size > 0) {
  const tokenUrl = new URL(dashboard.getAttribute("token-url") ?? "/demo/viewer-token", location.href);
  tokenUrl.search = scope.toString();
  dashboard.setAttribute("token-url", tokenUrl.pathname + tokenUrl.search);
}

await import("./pulse-dashboard.ts");

export {};
