// The page at /demo/dashboard: the language from `?lang=` (else the page's own), then the dashboard.
import "./pulse-dashboard.ts";

const requested = new URLSearchParams(location.search).get("lang");
if (requested && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(requested))
  document.documentElement.lang = requested;
document.title = document.documentElement.lang.startsWith("de")
  ? "Pulse – Kundenerfolg"
  : "Pulse – Customer success";
