/**
 * The demo page's only script: gives the widgets their attributes, from data the server injected
 * into `<script type="application/json" id="pulse-demo-config">`, else from the query string.
 * Surveys without a survey key are removed. Widget events are listed on the page.
 */
export interface DemoConfig {
  /** Default: the page's own origin. */
  endpoint: string;
  publishableKey?: string;
  /** Contact token, for the surveys. */
  token?: string;
  /** Account token, for the badges; defaults to `token`. */
  badgeToken?: string;
  surveys: { nps?: string; ces?: string; csat?: string };
  lang?: string;
  theme?: string;
}

export function readDemoConfig(page: Document, url: URL): DemoConfig {
  const injected = page.getElementById("pulse-demo-config")?.textContent?.trim();
  const data = injected ? (JSON.parse(injected) as Partial<DemoConfig>) : {};
  if (Object.keys(data).length > 0) {
    return { ...data, endpoint: data.endpoint ?? url.origin, surveys: data.surveys ?? {} };
  }
  const query = url.searchParams;
  const value = (name: string) => query.get(name) ?? undefined;
  return {
    endpoint: value("endpoint") ?? url.origin,
    publishableKey: value("key"),
    token: value("token"),
    badgeToken: value("badge-token"),
    surveys: { nps: value("nps"), ces: value("ces"), csat: value("csat") },
    lang: value("lang"),
    theme: value("theme"),
  };
}

export function applyDemoConfig(root: ParentNode, config: DemoConfig): void {
  for (const widget of root.querySelectorAll<HTMLElement>("[data-pulse-demo]")) {
    const role = widget.dataset.pulseDemo as "badge" | keyof DemoConfig["surveys"];
    const token = role === "badge" ? (config.badgeToken ?? config.token) : config.token;
    const survey = role === "badge" ? undefined : config.surveys[role];
    if (role !== "badge" && !survey) {
      widget.remove();
      continue;
    }
    const attributes: Record<string, string | undefined> = {
      endpoint: config.endpoint,
      "publishable-key": config.publishableKey,
      token,
      survey,
      lang: config.lang,
      theme: config.theme,
    };
    for (const [name, value] of Object.entries(attributes)) {
      if (value) widget.setAttribute(name, value);
    }
  }
  const missing = root.querySelector<HTMLElement>("#pulse-demo-missing");
  if (missing) missing.hidden = Boolean(config.publishableKey && (config.token || config.badgeToken));
}

/**
 * Lists pulse-submit, pulse-dismiss, pulse-error and pulse-token-expired as they happen (text
 * only, never markup); the note saying what the list waits for goes once the first one arrives.
 */
export function logEvents(page: Document, list: HTMLElement): void {
  for (const type of ["pulse-submit", "pulse-dismiss", "pulse-error", "pulse-token-expired"] as const) {
    page.addEventListener(type, (event) => {
      const item = page.createElement("li");
      item.textContent = `${(event.target as Element).localName} ${type} ${JSON.stringify(event.detail)}`;
      list.append(item);
      const waiting = page.getElementById("pulse-demo-waiting");
      if (waiting) waiting.hidden = true;
    });
  }
}

const log = document.getElementById("pulse-demo-log");
if (log) {
  logEvents(document, log);
  applyDemoConfig(document, readDemoConfig(document, new URL(location.href)));
}
