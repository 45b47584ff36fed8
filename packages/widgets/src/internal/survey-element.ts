import { html, nothing, type PropertyDeclarations, type PropertyValues, svg, type TemplateResult } from "lit";
import {
  isTokenRefusal,
  loadGraphQL,
  type PulseConnection,
  PulseRequestError,
  type SurveyKind,
  toRequestError,
  WIDGET_SURVEY_QUERY,
  type WidgetSurvey,
} from "./client";
import { pageLocale } from "./i18n";
import {
  deliver,
  type OutboxDeliveredDetail,
  type OutboxQueuedDetail,
  type OutboxRejectedDetail,
  outboxEvents,
  responseKey,
  startOutbox,
} from "./outbox";
import { PulseElement } from "./pulse-element";
import { readRecord, writeRecord } from "./storage";
import type { SurveyMessages } from "./survey.messages";

/**
 * Where the survey sits: in the flow of the page, or fixed in a corner of the viewport. Corners
 * are logical: `-end` is the end of a line in the page's direction (the right on a left-to-right
 * page, the left on a right-to-left one), `-start` its start. `-right` and `-left` are the same as
 * `-end` and `-start` (so `bottom-right` is on the left of an Arabic page, as a mirrored layout wants).
 */
export type SurveyPlacement =
  | "inline"
  | "bottom-end"
  | "bottom-start"
  | "top-end"
  | "top-start"
  | "bottom-right"
  | "bottom-left"
  | "top-right"
  | "top-left";

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

/** The primary subtag of a language tag, lowercase (`pt-BR` → `pt`). */
function primaryLanguage(tag: string): string {
  return tag.toLowerCase().split("-")[0];
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
 * @csspart thanks - The thank-you message (inside a live region present from the first step, so it is announced).
 *
 * @cssproperty --pulse-font-family - Font of the widget.
 * @cssproperty --pulse-font-size - Base text size in px (default 16px); every size of the card follows it, whatever the page's root font size.
 * @cssproperty --pulse-line-height - Line height of the texts (default 1.45).
 * @cssproperty --pulse-color-surface - Background.
 * @cssproperty --pulse-color-text - Text colour.
 * @cssproperty --pulse-color-muted - Secondary text colour (scale labels, notices).
 * @cssproperty --pulse-color-border - Borders of the card, choices and comment field.
 * @cssproperty --pulse-color-accent - Chosen score and submit button.
 * @cssproperty --pulse-color-on-accent - Text on the accent colour.
 * @cssproperty --pulse-color-focus - Focus ring.
 * @cssproperty --pulse-color-danger - Error text.
 * @cssproperty --pulse-radius - Corner radius of the card.
 * @cssproperty --pulse-survey-width - Largest width of the card (default 480px).
 * @cssproperty --pulse-z-index - Stacking level of a floating survey.
 *
 * @fires pulse-submit - A score or comment was answered: `PulseSubmitDetail` (`delivery` tells stored or queued).
 * @fires pulse-dismiss - The survey was closed: `PulseDismissDetail`.
 * @fires pulse-error - Loading or sending failed: `PulseErrorDetail`.
 * @fires pulse-token-expired - The server refused the token: set a fresh `token` (or a `tokenProvider`) and the survey retries.
 *
 * Focus stays inside the survey through every step: Submit keeps focus while sending (it is
 * marked busy, not disabled), the comment field takes it after the score, the close button after
 * the thanks (whose text a live region announces). After the survey closes, focus returns to the
 * element that had it before focus entered the survey, else to the survey element itself, so Tab
 * goes on from where the survey was.
 */
export abstract class SurveyElement<M extends SurveyMessages = SurveyMessages> extends PulseElement<M> {
  static override properties: PropertyDeclarations = {
    survey: {},
    placement: { reflect: true },
    followUp: { attribute: "follow-up" },
    submitOnPick: { type: Boolean, attribute: "submit-on-pick" },
    surveyStatus: { state: true },
    selectedScore: { state: true },
    comment: { state: true },
    busy: { state: true },
    problem: { state: true },
    queued: { state: true },
  };

  /** Key of the survey to show, e.g. `nps-main`. */
  declare survey?: string;
  /**
   * `inline` (default), or a corner of the viewport, mirrored on right-to-left pages:
   * `bottom-end` (= `bottom-right`), `bottom-start` (= `bottom-left`), `top-end` (= `top-right`), `top-start` (= `top-left`).
   */
  declare placement?: SurveyPlacement;
  /** `off` to skip the comment step after the score. */
  declare followUp?: "on" | "off";
  /**
   * Send the score as soon as it is clicked or tapped, without a Submit button. Keyboard users
   * move through the scale with the arrow keys and send with Enter.
   */
  declare submitOnPick: boolean;

  declare private surveyStatus: SurveyStatus;
  declare private selectedScore: number | undefined;
  declare private comment: string;
  declare private busy: boolean;
  declare private problem: "chooseScore" | "failed" | undefined;
  /** While an answer of this survey waits in the outbox: why (offline, or the server unavailable). */
  declare private queued: "queued" | "queuedServer" | undefined;

  protected abstract readonly kind: SurveyKind;
  /** The scores offered, lowest first. */
  protected abstract readonly scale: readonly number[];
  protected abstract followUpBand(score: number): FollowUpBand;

  declare private loaded?: WidgetSurvey;
  /** Created on the first answer, then reused for the comment and every retry. */
  declare private responseId?: string;
  private loadGeneration = 0;
  private focusWasInside = false;
  /** The element that had focus before focus entered the survey: it gets focus back on close. */
  declare private focusOrigin?: HTMLElement;

  constructor() {
    super();
    this.surveyStatus = "idle";
    this.comment = "";
    this.busy = false;
    this.submitOnPick = false;
    this.addEventListener("focusin", (event) => {
      const from = event.relatedTarget;
      // From inside, relatedTarget is retargeted to this element.
      if (from instanceof HTMLElement && from !== this) this.focusOrigin = from;
    });
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
    outboxEvents.addEventListener("queued", this.onQueued);
    // Moved in the DOM while loading: the abort on disconnect dropped that request.
    if (this.hasUpdated && this.surveyStatus === "loading") void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    outboxEvents.removeEventListener("delivered", this.onDelivered);
    outboxEvents.removeEventListener("rejected", this.onRejected);
    outboxEvents.removeEventListener("queued", this.onQueued);
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.focusWasInside = this.matches(":focus-within");
    // A renewed token continues the survey; any other change of these starts it anew.
    if (!this.hasUpdated || this.reconfigured(changed, ["endpoint", "publishableKey", "token", "survey"]))
      void this.load();
  }

  protected override updated(changed: PropertyValues): void {
    // Each step replaces the previous one; keep keyboard and screen-reader users where the content went.
    if (!changed.has("surveyStatus") || !this.focusWasInside) return;
    if (this.surveyStatus === "closed") {
      const back = this.focusOrigin?.isConnected ? this.focusOrigin : this;
      if (back === this) this.tabIndex = -1;
      back.focus();
      return;
    }
    this.renderRoot
      .querySelector<HTMLElement>(this.surveyStatus === "comment" ? "textarea" : "[part~=dismiss-button]")
      ?.focus();
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
      const { widgetSurvey } = await this.withToken("widgetSurvey", (current) =>
        loadGraphQL<{ widgetSurvey: WidgetSurvey }>(
          connection,
          WIDGET_SURVEY_QUERY,
          { survey, token: current, locale: pageLocale(this) },
          this.requestController.signal,
        ),
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

  private async submitScore(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.busy) return;
    if (this.selectedScore === undefined) {
      this.problem = "chooseScore";
      this.renderRoot.querySelector("input")?.focus();
      return;
    }
    this.responseId ??= createResponseId();
    const outcome = await this.send(this.selectedScore, undefined);
    if (outcome === "refused") return;
    this.surveyStatus = this.followUp === "off" || outcome === "answered" ? "thanks" : "comment";
  }

  private async submitComment(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const comment = this.comment.trim();
    if (
      comment &&
      this.selectedScore !== undefined &&
      (await this.send(this.selectedScore, comment)) === "refused"
    )
      return;
    this.surveyStatus = "thanks";
  }

  /**
   * Sends the answer so far under the response id: `sent` (stored or queued), `answered` when
   * this contact already answered (another tab: nothing to retry, the survey thanks), `refused`.
   */
  private async send(score: number, comment: string | undefined): Promise<"sent" | "answered" | "refused"> {
    const { connection, survey, responseId, loaded } = this;
    if (!connection || !survey || !this.token || !responseId || !loaded) return "refused";
    this.busy = true;
    this.problem = undefined;
    try {
      const delivery = await this.withToken("submitSurveyResponse", (token) =>
        deliver(connection, {
          name: "submitSurveyResponse",
          input: { survey, token, responseId, score, comment },
        }),
      );
      rememberAnswered(answeredRecordKey(connection, survey, this.token), loaded.reaskIntervalDays);
      if (delivery === "stored") this.queued = undefined;
      this.emit("pulse-submit", {
        survey,
        kind: this.kind,
        responseId,
        score,
        comment: comment ?? null,
        delivery,
      });
      return "sent";
    } catch (error) {
      this.reportError("submitSurveyResponse", error);
      if (toRequestError(error).code === "ALREADY_ANSWERED") {
        rememberAnswered(answeredRecordKey(connection, survey, this.token), loaded.reaskIntervalDays);
        return "answered";
      }
      this.problem = "failed";
      return "refused";
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
      await this.withToken("dismissSurvey", (current) =>
        deliver(connection, { name: "dismissSurvey", input: { survey, token: current } }),
      );
    } catch (error) {
      this.reportError("dismissSurvey", error);
    }
  }

  private isOwnResponse(key: string): boolean {
    return this.responseId !== undefined && key === responseKey(this.responseId);
  }

  private readonly onDelivered = (event: Event): void => {
    if (this.isOwnResponse((event as CustomEvent<OutboxDeliveredDetail>).detail.key)) this.queued = undefined;
  };

  private readonly onQueued = (event: Event): void => {
    const { key, error } = (event as CustomEvent<OutboxQueuedDetail>).detail;
    if (this.isOwnResponse(key)) this.queued = error.code === "NETWORK_ERROR" ? "queued" : "queuedServer";
  };

  private readonly onRejected = async (event: Event): Promise<void> => {
    const { key, error } = (event as CustomEvent<OutboxRejectedDetail>).detail;
    if (!this.isOwnResponse(key)) return;
    this.queued = undefined;
    // Sent in the background after the token expired: the same answer again with a fresh one.
    if (
      isTokenRefusal(error) &&
      this.selectedScore !== undefined &&
      (await this.renewToken("submitSurveyResponse"))
    ) {
      void this.send(this.selectedScore, this.comment.trim() || undefined);
      return;
    }
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

  /**
   * The survey's own text (the workspace wrote it) when the server found it in the page's
   * language or in the language of the built-in texts; else undefined, and the built-in text in
   * the page's language is shown, so the card never mixes languages.
   */
  private surveyText(text: string | null | undefined): string | undefined {
    const locale = this.loaded?.locale;
    if (!text || !locale) return undefined;
    const language = primaryLanguage(locale);
    return language === primaryLanguage(pageLocale(this)) || language === this.language ? text : undefined;
  }

  /** The attribute wins, then the workspace's own follow-up question, then the built-in one for the score. */
  private followUpPrompt(score: number): string {
    const key = `followUp${this.followUpBand(score)}` as const;
    return this.textOverride(key) ?? this.surveyText(this.loaded?.followUpQuestion) ?? this.t(key);
  }

  override render(): TemplateResult | typeof nothing {
    const status = this.surveyStatus;
    if (status !== "rating" && status !== "comment" && status !== "thanks") return nothing;
    // The live region is there from the first step, so the thanks written into it are announced.
    return html`<section part="base" class="survey" aria-labelledby="heading">
      <button part="dismiss-button" class="dismiss" type="button" aria-label=${this.t("dismiss")} @click=${this.dismiss}>
        ${closeIcon}
      </button>
      ${status === "rating" ? this.renderRating() : status === "comment" ? this.renderComment() : nothing}
      <div role="status">
        ${
          status === "thanks"
            ? html`<div part="thanks" class="thanks">
                <p id="heading" class="heading">${this.t("thanksTitle")}</p>
                <p>${this.t("thanksMessage")}</p>
              </div>`
            : nothing
        }
        ${this.queued ? html`<p part="message" class="message">${this.t(this.queued)}</p>` : nothing}
      </div>
      ${this.problem ? html`<p part="message" class="message problem" role="alert">${this.t(this.problem)}</p>` : nothing}
    </section>`;
  }

  private renderRating(): TemplateResult {
    // An attribute wins (the page's own wording), then the survey's text, then the built-in one.
    const question =
      this.textOverride("question") ?? this.surveyText(this.loaded?.question) ?? this.t("question");
    // Without a Submit button, Enter on a radio would not submit the form by itself.
    return html`<form
      @submit=${this.submitScore}
      @keydown=${(event: KeyboardEvent) => event.key === "Enter" && this.submitOnPick && this.submitScore(event)}
      novalidate
    >
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
                @click=${(event: MouseEvent) => {
                  // A pointer's click (detail > 0), not the click that arrow keys also fire.
                  if (this.submitOnPick && event.detail > 0) {
                    this.selectedScore = score;
                    void this.submitScore();
                  }
                }}
              /><span class="choice-face">${this.renderChoice(score)}</span>
            </label>`,
          )}
      </div>
      <div part="scale-labels" class="scale-labels" aria-hidden="true">
        <span>${this.t("lowLabel")}</span><span>${this.t("highLabel")}</span>
      </div>
      ${
        this.submitOnPick
          ? nothing
          : html`<div class="actions">
              <button part="submit-button" class="primary" type="submit" aria-disabled=${this.busy}>${this.t("submit")}</button>
            </div>`
      }
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
      <div class="actions">
        <button part="skip-button" class="secondary" type="button" @click=${() => {
          this.surveyStatus = "thanks";
        }}>${this.t("skip")}</button>
        <button part="submit-button" class="primary" type="submit" aria-disabled=${this.busy}>${this.t("send")}</button>
      </div>
    </form>`;
  }
}
