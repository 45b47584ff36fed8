import { LitElement, type PropertyDeclarations, type PropertyValues } from "lit";
import "./csp-nonce";
import { isTokenRefusal, type PulseConnection, toRequestError } from "./client";
import type { PulseEventDetails, PulseOperationName } from "./events";
import { type Catalog, format, type Language, type Messages, resolveLanguage, textAttribute } from "./i18n";

export type Theme = "light" | "dark" | "auto";

/** Elements showing built-in texts, re-rendered when the page's `lang` changes. */
const connectedElements = new Set<PulseElement>();
let pageLanguageObserver: MutationObserver | undefined;

function watchPageLanguage(): void {
  if (pageLanguageObserver) return;
  pageLanguageObserver = new MutationObserver(() => {
    for (const element of connectedElements) element.requestUpdate();
  });
  pageLanguageObserver.observe(document.documentElement, { attributeFilter: ["lang"] });
}

/**
 * What every Pulse widget shares: the connection attributes, the theme, texts in the page's
 * language with per-attribute overrides (`text-<key>`), one typed way to fire events, and a fresh
 * token when the server refuses the current one (`pulse-token-expired`, `tokenProvider`).
 */
export class PulseElement<M extends Messages = Messages> extends LitElement {
  /** Built-in texts of the widget. Each widget sets its own; its keys define its `text-*` attributes. */
  declare static catalog: Catalog<Messages, "en">;

  // Subclasses list only their own properties: Lit inherits these.
  static override properties: PropertyDeclarations = {
    endpoint: {},
    publishableKey: { attribute: "publishable-key" },
    token: {},
    theme: { reflect: true },
  };

  /** Base URL of the Pulse server; requests go to `${endpoint}/graphql`, survey answers to `${endpoint}/widgets/v1/responses`. */
  declare endpoint?: string;
  /** Publishable key (`pk_…`). Never use a secret key in a page. */
  declare publishableKey?: string;
  /** Opaque token signed by the host's backend, naming the account and contact. */
  declare token?: string;
  /** `light` (default), `dark`, or `auto` to follow the operating system. */
  declare theme?: Theme;

  /**
   * Called for a fresh token when the server refuses the current one (typically expired on a
   * long-lived page): `el.tokenProvider = async () => (await fetch("/pulse-token")).text()`.
   * The widget then retries what failed with the new token (a survey under the same response
   * id). Without a provider, the page may set `token` in its `pulse-token-expired` handler.
   */
  tokenProvider?: () => Promise<string>;
  /** The token set by a renewal, so that change is not taken for a new configuration. */
  declare private renewedToken?: string;

  /** Aborted when the element leaves the page, so late answers do not touch a detached widget. */
  protected requestController = new AbortController();

  static override get observedAttributes(): string[] {
    // `this` is the concrete widget class here: its own catalog decides its `text-*` attributes.
    // biome-ignore lint/complexity/noThisInStatic: deliberately polymorphic
    return [...super.observedAttributes, "lang", ...Object.keys(this.catalog.en).map(textAttribute)];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // `lang` and the `text-*` overrides are read at render time, so a re-render is all they need.
    if (name === "lang" || name.startsWith("text-")) this.requestUpdate();
    else super.attributeChangedCallback(name, old, value);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.requestController.signal.aborted) this.requestController = new AbortController();
    connectedElements.add(this);
    watchPageLanguage();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.requestController.abort();
    connectedElements.delete(this);
  }

  protected get language(): Language {
    return resolveLanguage(this);
  }

  /** A text: the `text-<key>` attribute if set, else the built-in one in the widget's language. */
  protected t(key: keyof M & string, values?: Record<string, string | number>): string {
    const catalog: Partial<Catalog<Messages>> = (this.constructor as typeof PulseElement).catalog;
    return format(this.textOverride(key) ?? (catalog[this.language] ?? (catalog.en as M))[key], values);
  }

  /** The page's own wording for a text (`text-<key>` attribute), if it set one. */
  protected textOverride(key: keyof M & string): string | null {
    return this.getAttribute(textAttribute(key));
  }

  /** The endpoint and key, or undefined while either attribute is missing. */
  protected get connection(): PulseConnection | undefined {
    return this.endpoint && this.publishableKey
      ? { endpoint: this.endpoint, publishableKey: this.publishableKey }
      : undefined;
  }

  /** Whether one of `names` changed, a renewed token apart: that one continues what the widget shows. */
  protected reconfigured(changed: PropertyValues, names: string[]): boolean {
    return names.some((name) => changed.has(name) && !(name === "token" && this.token === this.renewedToken));
  }

  /**
   * After the server refused the token: fires `pulse-token-expired`, then takes the `token` its
   * handler set, else asks `tokenProvider`. Resolves to the new token, or undefined when none
   * came (or the same one did); the caller then reports the refusal.
   */
  protected async renewToken(operation: PulseOperationName): Promise<string | undefined> {
    const stale = this.token;
    this.emit("pulse-token-expired", { operation });
    // The page may have set `token` in its handler; else the provider is asked.
    const fresh = this.token !== stale ? this.token : await this.tokenProvider?.().catch(() => undefined);
    if (!fresh || fresh === stale) return undefined;
    this.renewedToken = this.token = fresh;
    return fresh;
  }

  /** Runs `request` with the current token and, refused for that token, once more with a renewed one. */
  protected async withToken<T>(
    operation: PulseOperationName,
    request: (token: string) => Promise<T>,
  ): Promise<T> {
    try {
      return await request(this.token ?? "");
    } catch (error) {
      const fresh =
        isTokenRefusal(error) && !this.requestController.signal.aborted
          ? await this.renewToken(operation)
          : undefined;
      if (!fresh) throw error;
      return request(fresh);
    }
  }

  /** Fires a Pulse event; every one bubbles and leaves the shadow root. */
  protected emit<K extends keyof PulseEventDetails>(type: K, detail: PulseEventDetails[K]): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /**
   * Reports a failure as `pulse-error`, with its code. Nothing shows on a page whose origin the
   * workspace does not allow: the server's message (the origin, and the call that allows it) also
   * goes to the console, so the developer sees why.
   */
  protected reportError(operation: PulseOperationName | null, error: unknown): void {
    const { code, message, retryable } = toRequestError(error);
    if (code === "ORIGIN_NOT_ALLOWED") console.warn(`Pulse: ${message}`);
    this.emit("pulse-error", { code, message, operation, retryable });
  }
}

/** Registers a widget once; a second copy of the script on the same page must not throw. */
export function defineElement(tag: string, elementClass: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, elementClass);
}
