import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from "lit";
import { type CredentialSource, credentialsFrom, PulseClient, PulseRequestError } from "./client.ts";
import { dashboardStyles } from "./dashboard.styles.ts";
import { type Formatters, formattersFor } from "./format.ts";
import type { ResultOf } from "./graphql.ts";
import { type Messages, messagesFor } from "./messages.ts";
import "./pulse-trend-chart.ts";
import type { TrendPoint } from "./pulse-trend-chart.ts";
import { AccountQuery, DomainEventsSubscription, PortfolioQuery, TrendsQuery } from "./queries.ts";

type Portfolio = ResultOf<typeof PortfolioQuery>["portfolio"];
type Trends = ResultOf<typeof TrendsQuery>;
type AccountNode = NonNullable<ResultOf<typeof AccountQuery>["node"]>;
type Account = Extract<AccountNode, { name: string }>;
type Band = "GREEN" | "YELLOW" | "RED";
type LiveState = "connecting" | "live" | "unavailable";

/** How many at-risk accounts the list shows. */
const AT_RISK_SHOWN = 10;
/** The health history's default period (the API's): the trailing 90 days. */
const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
/** Events arriving close together cause one reload. */
const RELOAD_DELAY_MS = 500;

/**
 * The reference dashboard: portfolio tiles, the health distribution, monthly trends, the at-risk
 * list and an account drill-down, read through the typed client with a viewer token. It follows
 * the workspace's domain events where the token may subscribe, and offers Refresh always.
 *
 * @fires pulse-dashboard-loaded - After the portfolio (or an account) has been rendered from fresh data.
 */
export class PulseDashboard extends LitElement {
  static override styles = dashboardStyles;

  static override properties: PropertyDeclarations = {
    endpoint: {},
    tokenUrl: { attribute: "token-url" },
    portfolio: { state: true },
    trends: { state: true },
    account: { state: true },
    error: { state: true },
    live: { state: true },
    updatedAt: { state: true },
    loading: { state: true },
  };

  /** The GraphQL endpoint (default: /graphql of this origin). */
  declare endpoint: string;
  /** The host backend's URL that answers `{ token, publishableKey, expiresAt }`. */
  declare tokenUrl: string;
  /** Where credentials come from; by default fetched from `tokenUrl`. */
  credentials?: CredentialSource;

  declare private portfolio: Portfolio | null;
  declare private trends: Trends | null;
  declare private account: Account | null;
  declare private error: string | null;
  declare private live: LiveState;
  declare private updatedAt: Date | null;
  declare private loading: boolean;

  #client: PulseClient | null = null;
  #connection = new AbortController();
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;
  #lastEventId: string | null = null;
  #languageObserver = new MutationObserver(() => this.requestUpdate());

  constructor() {
    super();
    this.endpoint = "/graphql";
    this.tokenUrl = "/demo/viewer-token";
    this.portfolio = null;
    this.trends = null;
    this.account = null;
    this.error = null;
    this.live = "connecting";
    this.updatedAt = null;
    this.loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#languageObserver.observe(document.documentElement, { attributeFilter: ["lang"] });
    this.#connection = new AbortController();
    const source = this.credentials ?? credentialsFrom(new URL(this.tokenUrl, location.href).href);
    this.#client = new PulseClient(new URL(this.endpoint, location.href).href, source);
    void this.reload();
    void this.#follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#languageObserver.disconnect();
    this.#connection.abort();
    clearTimeout(this.#reloadTimer);
  }

  get #lang(): string {
    return this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en";
  }

  /** Reads the portfolio, the trends and the open account again. */
  async reload(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    this.loading = true;
    const signal = this.#connection.signal;
    try {
      const [portfolio, trends, account] = await Promise.all([
        client.query(PortfolioQuery, { atRisk: AT_RISK_SHOWN }, signal),
        client.query(TrendsQuery, {}, signal),
        this.account ? this.#readAccount(this.account.id) : Promise.resolve(null),
      ]);
      this.portfolio = portfolio.portfolio;
      this.trends = trends;
      if (account) this.account = account;
      this.error = null;
      this.updatedAt = new Date();
    } catch (error) {
      if (signal.aborted) return;
      this.error = errorCode(error);
    } finally {
      this.loading = false;
    }
    await this.updateComplete;
    this.dispatchEvent(new CustomEvent("pulse-dashboard-loaded", { bubbles: true, composed: true }));
  }

  protected override updated(): void {
    // Set through the CSSOM: a style attribute would need 'unsafe-inline' under the page's CSP.
    for (const segment of this.renderRoot.querySelectorAll<HTMLElement>(".segment[data-share]"))
      segment.style.flexGrow = segment.dataset.share ?? "0";
  }

  async #readAccount(id: string): Promise<Account | null> {
    const client = this.#client;
    if (!client) return null;
    const { node } = await client.query(AccountQuery, { id }, this.#connection.signal);
    return node && "name" in node ? node : null;
  }

  async openAccount(id: string): Promise<void> {
    try {
      const account = await this.#readAccount(id);
      this.account = account;
      this.error = account ? null : "NOT_FOUND";
    } catch (error) {
      this.error = errorCode(error);
      return;
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("#account-heading")?.focus();
    this.dispatchEvent(new CustomEvent("pulse-dashboard-loaded", { bubbles: true, composed: true }));
  }

  #closeAccount(): void {
    const id = this.account?.id;
    this.account = null;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`button[data-account="${CSS.escape(id ?? "")}"]`)?.focus(),
    );
  }

  /** Follows the domain events; on each (batch), reloads. Gives up when the token may not subscribe. */
  async #follow(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const signal = this.#connection.signal;
    for (let failures = 0; !signal.aborted && failures < 3; ) {
      try {
        this.live = "connecting";
        const opened = client.subscribe(
          DomainEventsSubscription,
          { after: this.#lastEventId },
          ({ domainEvents }) => {
            this.#lastEventId = domainEvents.id;
            clearTimeout(this.#reloadTimer);
            this.#reloadTimer = setTimeout(() => void this.reload(), RELOAD_DELAY_MS);
          },
          signal,
        );
        this.live = "live";
        await opened;
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        // A refusal (key or token may not subscribe) is final; a lost connection is retried.
        if (error instanceof PulseRequestError && !error.code.startsWith("HTTP_5")) {
          this.live = "unavailable";
          return;
        }
        failures++;
        await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
      }
    }
    if (!signal.aborted) this.live = "unavailable";
  }

  override render(): TemplateResult {
    const t = messagesFor(this.#lang);
    const f = formattersFor(this.#lang, t.noData);
    const portfolio = this.portfolio;
    return html`<div part="base" class="dashboard" lang=${this.#lang}>
      <header class="top">
        <div>
          <h1>${t.title}</h1>
          ${portfolio ? html`<p class="muted">${t.subtitle(f.date(portfolio.from), f.date(portfolio.to))}</p>` : nothing}
        </div>
        <div class="actions">
          <p class="muted" role="status">
            ${this.loading && !portfolio ? t.loading : this.updatedAt ? t.updatedAt(f.time(this.updatedAt)) : nothing}
            ${this.live === "live" ? html`<span class="live">${t.live}</span>` : nothing}
          </p>
          <button type="button" @click=${() => void this.reload()} ?disabled=${this.loading}>${t.refresh}</button>
        </div>
      </header>
      ${this.live === "unavailable" ? html`<p class="notice">${t.liveUnavailable}</p>` : nothing}
      ${this.error ? html`<p class="notice error" role="alert">${t.error(this.error)}</p>` : nothing}
      ${this.account ? this.#renderAccount(this.account, t, f) : nothing}
      ${portfolio ? this.#renderPortfolio(portfolio, t, f) : nothing}
    </div>`;
  }

  #renderPortfolio(portfolio: Portfolio, t: Messages, f: Formatters): TemplateResult {
    const distribution = portfolio.healthDistribution;
    const parts: [keyof Messages["bands"], number][] = [
      ["GREEN", distribution.green],
      ["YELLOW", distribution.yellow],
      ["RED", distribution.red],
      ["insufficientData", distribution.insufficientData],
      ["noData", distribution.noData],
    ];
    const total = parts.reduce((sum, [, count]) => sum + count, 0);
    return html`<div class="grid">
      <section class="tiles" aria-labelledby="tiles-heading">
        <h2 id="tiles-heading" class="visually-hidden">${t.tiles}</h2>
        <ul class="tile-list">
          ${tile("nrr", t.nrr, portfolio.netRevenueRetention, f.percent(portfolio.netRevenueRetention))}
          ${tile("grr", t.grr, portfolio.grossRevenueRetention, f.percent(portfolio.grossRevenueRetention))}
          ${tile("logo-churn", t.logoChurn, portfolio.logoChurnRate, f.percent(portfolio.logoChurnRate))}
          ${tile(
            "nps",
            t.nps,
            portfolio.nps?.score ?? null,
            f.number(portfolio.nps?.score, 1),
            portfolio.nps ? t.npsResponses(f.number(portfolio.nps.responses, 0)) : undefined,
          )}
          ${tile("arpa", t.arpa, portfolio.arpa ? Number(portfolio.arpa.amount) : null, f.money(portfolio.arpa))}
        </ul>
      </section>
      <section class="card distribution" aria-labelledby="distribution-heading">
        <h2 id="distribution-heading">${t.healthDistribution}</h2>
        <div
          class="bar"
          role="img"
          aria-label=${t.distributionSummary(parts.map(([band, count]) => `${t.bands[band]} ${count}`).join(", "))}
        >
          ${parts.map(([band, count]) =>
            count > 0 ? html`<span class="segment band-${band}" data-share=${count}></span>` : nothing,
          )}
        </div>
        <ul class="legend">
          ${parts.map(
            ([band, count]) =>
              html`<li data-band=${band}>
                <span class="swatch band-${band}" aria-hidden="true"></span>${t.bands[band]}
                <strong data-count>${count}</strong>
                <span class="muted">${total > 0 ? f.ratio(count / total) : ""}</span>
              </li>`,
          )}
        </ul>
      </section>
      <section class="card at-risk" aria-labelledby="at-risk-heading">
        <h2 id="at-risk-heading">${t.atRisk(f.number(portfolio.atRiskCount, 0))}</h2>
        ${
          portfolio.atRiskAccounts.length === 0
            ? html`<p>${t.noneAtRisk}</p>`
            : html`<ul class="risk-list">
              ${portfolio.atRiskAccounts.map(
                (account) => html`<li>
                  <div class="risk-head">
                    <button
                      type="button"
                      class="account-link"
                      data-account=${account.id}
                      aria-expanded=${this.account?.id === account.id ? "true" : "false"}
                      @click=${() => void this.openAccount(account.id)}
                    >
                      ${account.name}
                    </button>
                    ${bandBadge(account.health.band, account.health.score, t, f)}
                  </div>
                  <p class="muted">${[account.segment, f.money(account.mrr)].filter(Boolean).join(" · ")}</p>
                  <ul class="reasons">
                    ${account.risk.reasons.map((reason) => html`<li data-code=${reason.code}>${t.reasons[reason.code]}</li>`)}
                  </ul>
                </li>`,
              )}
            </ul>`
        }
      </section>
      <section class="card trends" aria-labelledby="trends-heading">
        <h2 id="trends-heading">${t.trends}</h2>
        ${
          this.trends
            ? html`<div class="charts">
              ${chart(t.nrr, this.trends.nrr, t, f, f.percent)} ${chart(t.grr, this.trends.grr, t, f, f.percent)}
              ${chart(t.logoChurn, this.trends.logoChurn, t, f, f.percent)}
              ${chart(t.nps, this.trends.nps, t, f, (value) => f.number(value, 0))}
            </div>`
            : nothing
        }
      </section>
    </div>`;
  }

  #renderAccount(account: Account, t: Messages, f: Formatters): TemplateResult {
    const health = account.health;
    const history: TrendPoint[] = account.healthHistory.map((snapshot) => ({
      at: new Date(`${snapshot.day}T00:00:00Z`),
      value: snapshot.score,
    }));
    const usage = account.usage;
    const surveys = [
      ["NPS", account.nps?.score, account.nps?.responses],
      ["CSAT", account.csat?.score, account.csat?.responses],
      ["CES", account.ces?.score, account.ces?.responses],
    ] as const;
    return html`<section class="card account" aria-labelledby="account-heading" data-account=${account.id}>
      <header class="account-top">
        <div>
          <p class="muted">${t.account}</p>
          <h2 id="account-heading" tabindex="-1">${account.name}</h2>
          <p class="muted">
            ${[
              account.segment && `${t.segment}: ${account.segment}`,
              account.plan && `${t.plan}: ${account.plan}`,
              account.csmOwner && `${t.csm}: ${account.csmOwner}`,
              `${t.mrr}: ${f.money(account.mrr)}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
        </div>
        <button type="button" @click=${() => this.#closeAccount()}>${t.close}</button>
      </header>
      ${
        account.risk.atRisk
          ? html`<ul class="reasons">
            ${account.risk.reasons.map((reason) => html`<li>${t.reasons[reason.code]}</li>`)}
          </ul>`
          : nothing
      }
      <div class="account-grid">
        <section aria-labelledby="health-heading">
          <h3 id="health-heading">${t.health}</h3>
          <dl class="facts">
            <div><dt>${t.score}</dt><dd data-field="score">${bandBadge(health.band, health.score, t, f)}</dd></div>
            <div><dt>${t.trend30}</dt><dd>${health.trend == null ? t.noData : signed(f.number(health.trend, 1), health.trend)}</dd></div>
            <div><dt>${t.coverage}</dt><dd>${f.percent(health.coverage)}</dd></div>
          </dl>
          ${health.insufficientData ? html`<p class="notice">${t.insufficient}</p>` : nothing}
          <table>
            <thead>
              <tr><th scope="col">${t.component}</th><th scope="col">${t.value}</th><th scope="col">${t.weight}</th></tr>
            </thead>
            <tbody>
              ${health.components.map(
                (component) => html`<tr data-component=${component.key}>
                  <th scope="row">${t.components[component.key]}</th>
                  <td>${f.number(component.value, 0)}</td>
                  <td>${component.used ? f.ratio(component.weight) : t.noData}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          <pulse-trend-chart
            .label=${t.healthTrend}
            .summary=${summary(t.healthTrend, history, t, (value) => f.number(value, 0))}
            .points=${history}
            .xRange=${[new Date(Date.now() - HISTORY_DAYS * DAY_MS), new Date()]}
            .yRange=${[0, 100]}
            .formatValue=${(value: number | null) => f.number(value, 0)}
            .formatDate=${(date: Date) => f.date(date.toISOString())}
            .formatTick=${f.day}
          ></pulse-trend-chart>
        </section>
        <section aria-labelledby="usage-heading">
          <h3 id="usage-heading">${t.usage}</h3>
          <dl class="facts">
            <div><dt>${t.activeUsers}</dt><dd>${f.number(usage.activeUsers, 0)} / ${f.number(usage.seats, 0)}</dd></div>
            <div><dt>${t.seatUtilization}</dt><dd>${f.ratio(usage.seatUtilization)}</dd></div>
            <div><dt>${t.featureAdoption}</dt><dd>${f.percent(usage.featureAdoption)}</dd></div>
            <div><dt>${t.stickiness}</dt><dd>${f.ratio(usage.stickiness)}</dd></div>
            <div><dt>${t.loginsPerWeek}</dt><dd>${f.number(usage.loginsPerActiveUserPerWeek, 1)}</dd></div>
          </dl>
          ${
            usage.features.length
              ? html`<table>
                <thead><tr><th scope="col">${t.features}</th><th scope="col">${t.events}</th></tr></thead>
                <tbody>
                  ${usage.features.map(
                    (feature) =>
                      html`<tr><th scope="row">${feature.key}</th><td>${f.number(feature.count, 0)}</td></tr>`,
                  )}
                </tbody>
              </table>`
              : nothing
          }
        </section>
        <section aria-labelledby="surveys-heading">
          <h3 id="surveys-heading">${t.surveys}</h3>
          <dl class="facts">
            ${surveys.map(
              ([kind, score, responses]) =>
                html`<div>
                  <dt>${kind}</dt>
                  <dd>
                    ${score == null ? t.noData : f.number(score, 1)}
                    ${responses ? html`<span class="muted">(${t.npsResponses(f.number(responses, 0))})</span>` : nothing}
                  </dd>
                </div>`,
            )}
          </dl>
          <h4>${t.responses}</h4>
          ${
            account.surveyResponses.edges.length === 0
              ? html`<p>${t.noResponses}</p>`
              : html`<ul class="responses">
                ${account.surveyResponses.edges.map(
                  ({ node }) =>
                    html`<li>
                      <strong>${node.kind} ${node.score}</strong> <span class="muted">${f.date(node.createdAt)}</span>
                      ${node.comment ? html`<q>${node.comment}</q>` : nothing}
                    </li>`,
                )}
              </ul>`
          }
        </section>
        <section aria-labelledby="renewals-heading">
          <h3 id="renewals-heading">${t.renewals}</h3>
          <dl class="facts">
            <div><dt>${t.nextRenewal}</dt><dd>${account.nextRenewal ? f.date(account.nextRenewal.endsAt) : t.none}</dd></div>
          </dl>
          ${
            account.contracts.length
              ? html`<table>
                <thead>
                  <tr>
                    <th scope="col">${t.starts}</th><th scope="col">${t.ends}</th>
                    <th scope="col">${t.outcome}</th><th scope="col">${t.contractValue}</th>
                  </tr>
                </thead>
                <tbody>
                  ${account.contracts.map(
                    (contract) => html`<tr>
                      <td>${f.date(contract.startsAt)}</td><td>${f.date(contract.endsAt)}</td>
                      <td>${t.outcomes[contract.renewalOutcome]}</td><td>${f.money(contract.value)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
              : nothing
          }
        </section>
      </div>
    </section>`;
  }
}

/** What the page says about a failure: the server's code (texts stay in the page's language). */
function errorCode(error: unknown): string {
  if (error instanceof PulseRequestError) return error.code;
  return error instanceof TypeError ? "NETWORK_ERROR" : "UNEXPECTED_ERROR";
}

function tile(key: string, label: string, value: number | null, text: string, note?: string): TemplateResult {
  return html`<li class="tile" data-tile=${key} data-value=${value == null ? "" : String(value)}>
    <span class="tile-label">${label}</span>
    <span class="tile-value">${text}</span>
    ${note ? html`<span class="muted">${note}</span>` : nothing}
  </li>`;
}

function bandBadge(
  band: Band | string | null,
  score: number | null,
  t: Messages,
  f: Formatters,
): TemplateResult {
  const known = band === "GREEN" || band === "YELLOW" || band === "RED" ? band : null;
  return html`<span class="band band-${known ?? "noData"}">
    ${f.number(score, 0)} · ${known ? t.bands[known] : t.bands.insufficientData}
  </span>`;
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

function points(series: readonly { from: string; value: number | null }[]): TrendPoint[] {
  return series.map((point) => ({ at: new Date(point.from), value: point.value }));
}

function summary(
  name: string,
  series: TrendPoint[],
  t: Messages,
  format: (value: number | null) => string,
): string {
  const known = series.filter((point) => point.value != null);
  const first = known[0];
  const last = known[known.length - 1];
  if (!first || !last) return `${name}: ${t.noData}`;
  return t.trendSummary(name, format(first.value), format(last.value), series.length);
}

function chart(
  name: string,
  series: readonly { from: string; value: number | null }[],
  t: Messages,
  f: Formatters,
  format: (value: number | null) => string,
): TemplateResult {
  const trend = points(series);
  return html`<pulse-trend-chart
    .label=${name}
    .summary=${summary(name, trend, t, format)}
    .points=${trend}
    .formatValue=${format}
    .formatDate=${f.month}
  ></pulse-trend-chart>`;
}

customElements.define("pulse-dashboard", PulseDashboard);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-dashboard": PulseDashboard;
  }
}
