import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from "lit";
import {
  type HealthBand,
  loadGraphQL,
  PulseRequestError,
  WIDGET_BADGE_QUERY,
  type WidgetBadge,
  type WidgetBadgePoint,
} from "../internal/client";
import { defineElement, PulseElement } from "../internal/pulse-element";
import { themeStyles } from "../internal/theme.styles";
import {
  type BadgeMessages,
  badgeMessages,
  componentKeys,
  componentNames,
  loadBadgeLanguage,
} from "./pulse-health-badge.messages";
import { healthBadgeStyles } from "./pulse-health-badge.styles";

export type HealthBadgeVariant = "compact" | "detailed";

/** `idle` before configuration, then `loading`, `ready` (with or without data) or `error`. */
export type HealthBadgeStatus = "idle" | "loading" | "ready" | "error";

const bandKeys: Record<HealthBand, "bandGreen" | "bandYellow" | "bandRed"> = {
  GREEN: "bandGreen",
  YELLOW: "bandYellow",
  RED: "bandRed",
};

/** How many components the detailed card lists: the heaviest ones explain most of the score. */
const shownComponents = 3;

/**
 * Health score and band of one account, as a compact pill or a detailed card with the top
 * components and a 90-day sparkline. Its accessible name reads like "Health 82, green".
 *
 * @summary Account health badge.
 * @tag pulse-health-badge
 *
 * @attr endpoint - Base URL of the Pulse server.
 * @attr publishable-key - Publishable key (`pk_…`).
 * @attr token - Token signed by your backend, naming the account.
 * @attr variant - `compact` (default) or `detailed`.
 * @attr refresh - Reload every N seconds while the page is visible (live refresh); off by default.
 * @attr theme - `light` (default), `dark` or `auto`.
 * @attr lang - Language of the built-in texts: en, de, fr, es, pt, ja, ar, he (default: the page's).
 * @attr text-label - "Health".
 * @attr text-name - Accessible name, with `{score}` and `{band}`.
 * @attr text-band-green - Name of the green band.
 * @attr text-band-yellow - Name of the yellow band.
 * @attr text-band-red - Name of the red band.
 * @attr text-no-data - Shown when the account has no score yet.
 * @attr text-loading - Shown while loading.
 * @attr text-unavailable - Shown when the badge could not load.
 * @attr text-trend - Trend line, with `{delta}`.
 * @attr text-history - Accessible name of the sparkline, with `{first}` and `{last}`.
 * @attr text-top-components - Title of the component list.
 *
 * The component names in the card follow the page's language too: the server names the health
 * components (in English); the badge has their names in each of its languages, by key.
 *
 * @csspart base - The pill, or the card.
 * @csspart dot - The band-coloured dot of the pill.
 * @csspart label - "Health" in the pill.
 * @csspart score - The score.
 * @csspart band - The band name.
 * @csspart account - The account name (card).
 * @csspart trend - The 30-day trend (card).
 * @csspart sparkline - The 90-day line (card).
 * @csspart components - The list of top components (card).
 * @csspart component - One component row (card).
 *
 * @cssproperty --pulse-font-family - Font of the widget.
 * @cssproperty --pulse-font-size - Base text size in px (default 14px); every size follows it, whatever the page's root font size.
 * @cssproperty --pulse-line-height - Line height of the texts.
 * @cssproperty --pulse-color-surface - Background of the card and of the pill without a band.
 * @cssproperty --pulse-color-text - Text colour.
 * @cssproperty --pulse-color-muted - Secondary text (trend, titles).
 * @cssproperty --pulse-color-border - Card border, and the pill's colour without a band.
 * @cssproperty --pulse-radius - Corner radius of the card.
 * @cssproperty --pulse-badge-width - Largest width of the card (default 320px).
 * @cssproperty --pulse-band-green - Colour of the green band (dot, line, bars; the pill's tint and text are mixed from it).
 * @cssproperty --pulse-band-yellow - Colour of the yellow band.
 * @cssproperty --pulse-band-red - Colour of the red band.
 *
 * @fires pulse-error - Loading failed: `PulseErrorDetail`.
 * @fires pulse-token-expired - The server refused the token: set a fresh `token` (or a `tokenProvider`) and the badge loads again with it, keeping what it shows.
 *
 * A load the server refuses for the moment (429 or 5xx with `Retry-After`) is tried again after
 * that delay, a few times at most, as the surveys do; without `Retry-After` it is not retried.
 */
export class PulseHealthBadge extends PulseElement<BadgeMessages> {
  static override catalog = badgeMessages;
  static override styles = [themeStyles, healthBadgeStyles];
  static override properties: PropertyDeclarations = {
    variant: { reflect: true },
    refresh: { type: Number },
    badgeStatus: { state: true },
    badge: { state: true },
  };

  /** `compact` (default) pill, or `detailed` card. */
  declare variant?: HealthBadgeVariant;
  /** Seconds between reloads while the page is visible; 0 or unset for none. */
  declare refresh?: number;

  declare private badgeStatus: HealthBadgeStatus;
  declare private badge: WidgetBadge | undefined;

  private loadGeneration = 0;
  declare private refreshTimer?: ReturnType<typeof setInterval>;

  constructor() {
    super();
    this.badgeStatus = "idle";
  }

  get status(): HealthBadgeStatus {
    return this.badgeStatus;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) {
      void this.load();
      this.scheduleRefresh();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.refreshTimer);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (!this.hasUpdated || this.reconfigured(changed, ["endpoint", "publishableKey", "token"])) {
      this.badge = undefined;
      void this.load();
    }
    if (!this.hasUpdated || changed.has("refresh")) this.scheduleRefresh();
    // The page's language may change at any time: its texts are fetched, then shown.
    if (!badgeMessages[this.language]) void loadBadgeLanguage(this.language).then(() => this.requestUpdate());
  }

  private scheduleRefresh(): void {
    clearInterval(this.refreshTimer);
    const seconds = this.refresh ?? 0;
    if (seconds > 0) {
      // A hidden tab has nobody to show fresh numbers to.
      this.refreshTimer = setInterval(() => {
        if (!document.hidden) void this.load();
      }, seconds * 1000);
    }
  }

  /** Loads the badge. A reload keeps showing the previous data until the new data arrives. */
  private async load(): Promise<void> {
    const generation = ++this.loadGeneration;
    const { connection, token } = this;
    if (!connection || !token) {
      this.badgeStatus = "error";
      this.reportError(
        null,
        new PulseRequestError("MISSING_CONFIGURATION", "Set endpoint, publishable-key and token."),
      );
      return;
    }
    if (!this.badge) this.badgeStatus = "loading";
    try {
      // Ready means readable: the data and the texts in the page's language.
      const [{ widgetBadge }] = await Promise.all([
        this.withToken("widgetBadge", (current) =>
          loadGraphQL<{ widgetBadge: WidgetBadge }>(
            connection,
            WIDGET_BADGE_QUERY,
            { token: current },
            this.requestController.signal,
          ),
        ),
        loadBadgeLanguage(this.language),
      ]);
      if (generation !== this.loadGeneration) return;
      this.badge = widgetBadge;
      this.badgeStatus = "ready";
    } catch (error) {
      if (generation !== this.loadGeneration || this.requestController.signal.aborted) return;
      if (!this.badge) this.badgeStatus = "error";
      this.reportError("widgetBadge", error);
    }
  }

  override render(): TemplateResult | typeof nothing {
    // Nothing rather than English while the page's language is fetched.
    if (!badgeMessages[this.language]) return nothing;
    const { badge } = this;
    const score = badge?.score == null ? null : Math.round(badge.score);
    const band = badge?.band ? this.t(bandKeys[badge.band]) : null;
    const scored = score !== null && band !== null;
    const name = scored
      ? this.t("name", { score, band })
      : this.t(
          this.badgeStatus === "ready" ? "noData" : this.badgeStatus === "error" ? "unavailable" : "loading",
        );
    const bandClass = scored ? badge?.band?.toLowerCase() : "";

    if (this.variant !== "detailed") {
      return html`<span part="base" class="badge pill compact ${bandClass}" role="img" aria-label=${name}>
        <span part="dot" class="dot"></span>
        ${
          scored
            ? html`<span part="label">${this.t("label")}</span><span part="score" class="score">${score}</span
              ><span part="band" class="band">${band}</span>`
            : html`<span part="label">${name}</span>`
        }
      </span>`;
    }

    return html`<div part="base" class="badge detailed ${bandClass}" role="group" aria-label=${name}>
      ${badge ? html`<p part="account" class="account">${badge.accountName}</p>` : nothing}
      ${
        scored && badge
          ? html`<p class="summary">
              <span part="score" class="score">${score}</span>
              <span part="band" class="band pill">${band}</span>
              ${this.renderTrend(badge.trend)}
            </p>
            ${this.renderSparkline(badge.history)} ${this.renderComponents(badge)}`
          : html`<p>${name}</p>`
      }
    </div>`;
  }

  private renderTrend(trend: number | null): TemplateResult | typeof nothing {
    if (trend === null) return nothing;
    const rounded = Math.round(trend);
    const delta = rounded > 0 ? `+${rounded}` : `${rounded}`;
    const arrow = rounded > 0 ? "↑" : rounded < 0 ? "↓" : "→";
    return html`<span part="trend" class="trend"><span aria-hidden="true">${arrow} </span>${this.t("trend", { delta })}</span>`;
  }

  /** A line over the last 90 days, scaled to its own range (at least 10 points) so movement shows. */
  private renderSparkline(history: WidgetBadgePoint[]): TemplateResult | typeof nothing {
    if (history.length < 2) return nothing;
    // Oldest first, as the server sends them.
    const scores = history.map((point) => point.score);
    const lowest = Math.min(...scores);
    const range = Math.max(10, Math.max(...scores) - lowest);
    const points = scores.map(
      (score, index) => `${(index / (scores.length - 1)) * 100},${38 - ((score - lowest) / range) * 36}`,
    );
    const label = this.t("history", {
      first: Math.round(scores[0]),
      last: Math.round(scores[scores.length - 1]),
    });
    return html`<svg part="sparkline" class="sparkline" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label=${label}>
      <polyline points=${points.join(" ")} fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke"/>
    </svg>`;
  }

  private renderComponents(badge: WidgetBadge): TemplateResult | typeof nothing {
    const top = badge.components
      .filter((component) => component.used && component.value !== null)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, shownComponents);
    if (top.length === 0) return nothing;
    return html`<p class="title" id="components-title">${this.t("topComponents")}</p>
      <ul part="components" aria-labelledby="components-title">
        ${top.map((component) => {
          const value = Math.round(component.value ?? 0);
          return html`<li part="component">
            <span>${componentNames[this.language]?.[componentKeys.indexOf(component.key)] ?? component.label}</span>
            <svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
              <rect width="100" height="6" rx="3"/><rect class="fill" width=${Math.max(0, Math.min(100, value))} height="6" rx="3"/>
            </svg>
            <span class="value">${value}</span>
          </li>`;
        })}
      </ul>`;
  }
}

defineElement("pulse-health-badge", PulseHealthBadge);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-health-badge": PulseHealthBadge;
  }
}
