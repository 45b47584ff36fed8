import { html, nothing, type PropertyDeclarations, type PropertyValues, svg, type TemplateResult } from "lit";
import {
  type PulseConnection,
  PulseRequestError,
  requestGraphQL,
  type SurveyKind,
  WIDGET_SURVEY_QUERY,
  type WidgetSurvey,
} from "./client";
import {
  deliver,
  type OutboxDeliveredDetail,
  type OutboxRejectedDetail,
  outboxEvents,
  responseKey,
  startOutbox,
} from "./outbox";
import { PulseElement } from "./pulse-element";
import { readRecord, writeRecord } from "./storage";
import type { SurveyMessages } from "./survey.messages";

/**
 * Where the survey sits: in the flow of the page, or fixed in a corner of the viewport.
 */
export type SurveyPlacement = "inline" | "bottom-right" | "bottom-left" | "top-right" | "top-left";

/**
 * `idle` before configuration, `loading` while asking the server, `hidden` when it must not be
 * asked (or could not load), then `rating` → `comment` → `thanks`, and `closed` after a dismiss.
 */
export type SurveyStatus = "idle" | "loading" | "hidden" | "rating" | "comment" | "thanks" | "closed";

/** Which follow-up prompt a score gets. */
export type FollowUpBand = "Low" | "Mid" | "High";

const dayMs = 24 * 60 * 60_000;
const answeredStorageKey = "pulse-widgets:answered:v1";

interface AnsweredRecord {
  at: number;
  reaskIntervalDays: number;
}

function answeredRecordKey(connection: PulseConnection, survey: string, token: string): string {
  return `${connection.endpoint}|${survey}|${token}`;
}

/**
 * The server decides whether to ask (`shouldAsk`). This local note only covers the time before
 * the server knows: an answer still waiting in the outbox, offline, must not be asked for again
 * (that second answer would get a new response id and count twice).
 */
function answeredRecently(key: string): boolean {
  const record = readRecord<AnsweredRecord>(answeredStorageKey)[key];
  return record !== undefined && Date.now() - record.at < record.reaskIntervalDays * dayMs;
}

function rememberAnswered(key: string, reaskIntervalDays: number): void {
  const records = readRecord<AnsweredRecord>(answeredStorageKey);
  for (const [other, record] of Object.entries(records)) {
    if (Date.now() - record.at >= record.reaskIntervalDays * dayMs) delete records[other];
  }
  records[key] = { at: Date.now(), reaskIntervalDays };
  writeRecord(answeredStorageKey, records);
}

/** A random (version 4) UUID; `crypto.randomUUID` exists only on https pages. */
function createResponseId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const closeIcon = svg`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M3.5 3.5l9 9m0-9l-9 9" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" fill="none"/></svg>`;

/**
 * Everything NPS, CES and CSAT surveys share: loading the survey, the re-ask rule, the steps
 * (score, optional comment, thanks), one response id per answer, the outbox, dismissing.
 * A survey only adds its kind, its scale and how scores map to follow-up prompts.
 *
 * @csspart base - The survey card.
 * @csspart dismiss-button - The close button.
 * @csspart question - The question, which names the scale's radio group.
 * @csspart scale - The row of choices.
 * @csspart choice - One choice of the scale.
 * @csspart choice-selected - The chosen choice (in addition to `choice`).
 * @csspart scale-labels - The texts under both ends of the scale.
 * @csspart comment-label - The follow-up prompt.
 * @csspart comment - The comment field.
 * @csspart submit-button - Submits the score or the comment.
 * @csspart skip-button - Skips the comment.
 * @csspart message - A problem or offline notice.
 * @csspart thanks - The thank-you message.
 *
 * @cssproperty --pulse-font-family - Font of the widget.
 * @cssproperty --pulse-color-surface - Background.
 * @cssproperty --pulse-color-text - Text colour.
 * @cssproperty --pulse-color-muted - Secondary text colour (scale labels, notices).
 * @cssproperty --pulse-color-border - Borders of the card, choices and comment field.
 * @cssproperty --pulse-color-accent - Chosen score and submit button.
 * @cssproperty --pulse-color-on-accent - Text on the accent colour.
 * @cssproperty --pulse-color-focus - Focus ring.
 * @cssproperty --pulse-color-danger - Error text.
 * @cssproperty --pulse-radius - Corner radius of the card.
 * @cssproperty --pulse-survey-width - Largest width of the card (default 30rem).
 * @cssproperty --pulse-z-index - Stacking level of a floating survey.
 *
 * @fires pulse-submit - A score or comment was answered: `PulseSubmitDetail` (`delivery` tells stored or queued).
 * @fires pulse-dismiss - The survey was closed: `PulseDismissDetail`.
 * @fires pulse-error - Loading or sending failed: `PulseErrorDetail`.
 */
export abstract class SurveyElement<M extends SurveyMessages = SurveyMessages> extends PulseElement<M> {
  static override properties: PropertyDeclarations = {
    survey: {},
    placement: { reflect: true },
    followUp: { attribute: "follow-up" },
    surveyStatus: { state: true },
    selectedScore: { state: true },
    comment: { state: true },
    busy: { state: true },
    problem: { state: true },
    queued: { state: true },
  };

  /** Key of the survey to show, e.g. `nps-main`. */
  declare survey?: string;
  /** `inline` (default), or a corner of the viewport: `bottom-right`, `bottom-left`, `top-right`, `top-left`. */
  declare placement?: SurveyPlacement;
  /** `off` to skip the comment step after the score. */
  declare followUp?: "on" | "off";

  declare private surveyStatus: SurveyStatus;
  declare private selectedScore: number | undefined;
  declare private comment: string;
  declare private busy: boolean;
  declare private problem: "chooseScore" | "failed" | undefined;
  /** True while an answer of this survey waits in the outbox. */
  declare private queued: boolean;

  protected abstract readonly kind: SurveyKind;
  /** The scores offered, lowest first. */
  protected abstract readonly scale: readonly number[];
  protected abstract followUpBand(score: number): FollowUpBand;

  declare private loaded?: WidgetSurvey;
  /** Created on the first answer, then reused for the comment and every retry. */
  declare private responseId?: string;
  private loadGeneration = 0;
  private focusWasInside = false;

  constructor() {
    super();
    this.surveyStatus = "idle";
    this.comment = "";
    this.busy = false;
    this.queued = false;
  }

  /** Where the survey is in its steps; `hidden` when the server says not to ask this contact now. */
  get status(): SurveyStatus {
    return this.surveyStatus;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    startOutbox();
    outboxEvents.addEventListener("delivered", this.onDelivered);
    outboxEvents.addEventListener("rejected", this.onRejected);
    // Moved in the DOM while loading: the abort on disconnect dropped that request.
    if (this.hasUpdated && this.surveyStatus === "loading") void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    outboxEvents.removeEventListener("delivered", this.onDelivered);
    outboxEvents.removeEventListener("rejected", this.onRejected);
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.focusWasInside = this.matches(":focus-within");
    const configuration = ["endpoint", "publishableKey", "token", "survey"] as const;
    if (!this.hasUpdated || configuration.some((name) => changed.has(name))) void this.load();
  }

  protected override updated(changed: PropertyValues): void {
    // Each step replaces the previous one; keep keyboard and screen-reader users where the content went.
    if (!changed.has("surveyStatus") || !this.focusWasInside) return;
    const target = this.renderRoot.querySelector<HTMLElement>(
      this.surveyStatus === "comment" ? "textarea" : ".thanks",
    );
    target?.focus();
  }

  private async load(): Promise<void> {
    const generation = ++this.loadGeneration;
    const { connection, survey, token } = this;
    this.loaded = undefined;
    this.responseId = undefined;
    this.selectedScore = undefined;
    this.comment = "";
    this.problem = undefined;
    if (!connection || !survey || !token) {
      this.surveyStatus = "hidden";
      this.reportError(
        null,
        new PulseRequestError("MISSING_CONFIGURATION", "Set endpoint, publishable-key, token and survey."),
      );
      return;
    }
    if (answeredRecently(answeredRecordKey(connection, survey, token))) {
      this.surveyStatus = "hidden";
      return;
    }
    this.surveyStatus = "loading";
    try {
      const { widgetSurvey } = await requestGraphQL<{ widgetSurvey: WidgetSurvey }>(
        connection,
        WIDGET_SURVEY_QUERY,
        { survey, token },
        this.requestController.signal,
      );
      if (generation !== this.loadGeneration) return;
      if (widgetSurvey.kind !== this.kind) {
        throw new PulseRequestError(
          "WRONG_SURVEY_KIND",
          `Survey "${survey}" is a ${widgetSurvey.kind} survey, not ${this.kind}; use <pulse-${widgetSurvey.kind.toLowerCase()}-survey>.`,
        );
      }
      this.loaded = widgetSurvey;
      this.surveyStatus = widgetSurvey.shouldAsk ? "rating" : "hidden";
    } catch (error) {
      if (generation !== this.loadGeneration || this.requestController.signal.aborted) return;
      this.surveyStatus = "hidden";
      this.reportError("widgetSurvey", error);
    }
  }

  private async submitScore(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.selectedScore === undefined) {
      this.problem = "chooseScore";
      this.renderRoot.querySelector("input")?.focus();
      return;
    }
    this.responseId ??= createResponseId();
    if (!(await this.send(this.selectedScore, undefined))) return;
    this.surveyStatus = this.followUp === "off" ? "thanks" : "comment";
  }

  private async submitComment(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const comment = this.comment.trim();
    if (comment && this.selectedScore !== undefined && !(await this.send(this.selectedScore, comment)))
      return;
    this.surveyStatus = "thanks";
  }

  /** Sends the answer so far under the response id; false when the server refused it. */
  private async send(score: number, comment: string | undefined): Promise<boolean> {
    const { connection, survey, token, responseId, loaded } = this;
    if (!connection || !survey || !token || !responseId || !loaded) return false;
    this.busy = true;
    this.problem = undefined;
    try {
      const delivery = await deliver(connection, {
        name: "submitSurveyResponse",
        input: { survey, token, responseId, score, comment },
      });
      rememberAnswered(answeredRecordKey(connection, survey, token), loaded.reaskIntervalDays);
      this.queued = delivery === "queued";
      this.emit("pulse-submit", {
        survey,
        kind: this.kind,
        responseId,
        score,
        comment: comment ?? null,
        delivery,
      });
      return true;
    } catch (error) {
      this.problem = "failed";
      this.reportError("submitSurveyResponse", error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async dismiss(): Promise<void> {
    const { connection, survey, token, loaded } = this;
    const answered = this.responseId !== undefined;
    this.surveyStatus = "closed";
    if (!connection || !survey || !token || !loaded) return;
    this.emit("pulse-dismiss", { survey, kind: this.kind, answered });
    if (answered) return;
    // A dismissal starts the re-ask interval just like an answer does.
    rememberAnswered(answeredRecordKey(connection, survey, token), loaded.reaskIntervalDays);
    try {
      await deliver(connection, { name: "dismissSurvey", input: { survey, token } });
    } catch (error) {
      this.reportError("dismissSurvey", error);
    }
  }

  private isOwnResponse(key: string): boolean {
    return this.responseId !== undefined && key === responseKey(this.responseId);
  }

  private readonly onDelivered = (event: Event): void => {
    if (this.isOwnResponse((event as CustomEvent<OutboxDeliveredDetail>).detail.key)) this.queued = false;
  };

  private readonly onRejected = (event: Event): void => {
    const { key, error } = (event as CustomEvent<OutboxRejectedDetail>).detail;
    if (!this.isOwnResponse(key)) return;
    this.queued = false;
    this.reportError("submitSurveyResponse", error);
  };

  /**
   * What one choice shows: the number, and at both ends the end label for screen readers
   * ("0, Not at all likely"), written out whole so no layout quirk splits the name.
   */
  protected renderChoice(score: number): TemplateResult {
    const first = this.scale[0];
    const last = this.scale[this.scale.length - 1];
    const endLabel = score === first ? this.t("lowLabel") : score === last ? this.t("highLabel") : "";
    return endLabel
      ? html`<span aria-hidden="true">${score}</span><span class="visually-hidden">${score}, ${endLabel}</span>`
      : html`${score}`;
  }

  /** The attribute wins, then the workspace's own follow-up question, then the built-in one for the score. */
  private followUpPrompt(score: number): string {
    const key = `followUp${this.followUpBand(score)}` as const;
    return this.textOverride(key) ?? this.loaded?.followUpQuestion ?? this.t(key);
  }

  override render(): TemplateResult | typeof nothing {
    const step =
      this.surveyStatus === "rating"
        ? this.renderRating()
        : this.surveyStatus === "comment"
          ? this.renderComment()
          : this.surveyStatus === "thanks"
            ? this.renderThanks()
            : undefined;
    if (!step) return nothing;
    return html`<section part="base" class="survey" aria-labelledby="heading">
      <button part="dismiss-button" class="dismiss" type="button" aria-label=${this.t("dismiss")} @click=${this.dismiss}>
        ${closeIcon}
      </button>
      ${step}
    </section>`;
  }

  private renderRating(): TemplateResult {
    // Server text first (the workspace wrote it); an attribute wins over both, e.g. for translations.
    const question = this.textOverride("question") ?? (this.loaded?.question || this.t("question"));
    return html`<form @submit=${this.submitScore} novalidate>
      <p part="question" id="heading" class="heading">${question}</p>
      <div part="scale" class="scale" role="radiogroup" aria-labelledby="heading">
          ${this.scale.map(
            (
              score,
            ) => html`<label part=${score === this.selectedScore ? "choice choice-selected" : "choice"} class="choice">
              <input
                type="radio"
                name="score"
                .value=${String(score)}
                .checked=${score === this.selectedScore}
                @change=${() => {
                  this.selectedScore = score;
                  this.problem = undefined;
                }}
              /><span class="choice-face">${this.renderChoice(score)}</span>
            </label>`,
          )}
      </div>
      <div part="scale-labels" class="scale-labels" aria-hidden="true">
        <span>${this.t("lowLabel")}</span><span>${this.t("highLabel")}</span>
      </div>
      ${this.renderMessage()}
      <div class="actions">
        <button part="submit-button" class="primary" type="submit" ?disabled=${this.busy}>${this.t("submit")}</button>
      </div>
    </form>`;
  }

  private renderComment(): TemplateResult {
    const prompt = this.followUpPrompt(this.selectedScore ?? 0);
    return html`<form @submit=${this.submitComment} novalidate>
      <label part="comment-label" id="heading" class="heading" for="comment">${prompt}</label>
      <textarea
        part="comment"
        id="comment"
        rows="3"
        maxlength="2000"
        .value=${this.comment}
        @input=${(event: InputEvent) => {
          this.comment = (event.target as HTMLTextAreaElement).value;
        }}
      ></textarea>
      ${this.renderMessage()}
      <div class="actions">
        <button part="skip-button" class="secondary" type="button" @click=${() => {
          this.surveyStatus = "thanks";
        }}>${this.t("skip")}</button>
        <button part="submit-button" class="primary" type="submit" ?disabled=${this.busy}>${this.t("send")}</button>
      </div>
    </form>`;
  }

  private renderThanks(): TemplateResult {
    return html`<div part="thanks" class="thanks" role="status" tabindex="-1">
        <p id="heading" class="heading">${this.t("thanksTitle")}</p>
        <p>${this.t("thanksMessage")}</p>
      </div>
      ${this.renderMessage()}`;
  }

  private renderMessage(): TemplateResult | typeof nothing {
    if (this.problem) {
      return html`<p part="message" class="message problem" role="alert">${this.t(this.problem)}</p>`;
    }
    if (this.queued) return html`<p part="message" class="message" role="status">${this.t("queued")}</p>`;
    return nothing;
  }
}
