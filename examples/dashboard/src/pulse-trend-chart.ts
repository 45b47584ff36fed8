import { css, html, LitElement, type PropertyDeclarations, type PropertyValues, unsafeCSS } from "lit";
import uPlot from "uplot";
import uPlotStyles from "uplot/dist/uPlot.min.css?inline";

/** One point of a trend: the start of its bucket and its value (null = no data). */
export interface TrendPoint {
  at: Date;
  value: number | null;
}

/**
 * A line chart of one metric over time, drawn by uPlot on a canvas inside the shadow root. The
 * canvas is hidden from assistive technology; `summary` names the plot, and the points are also
 * listed in a visually hidden table.
 *
 * @cssproperty --pulse-chart-line - Colour of the line.
 */
export class PulseTrendChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotStyles),
    css`
      :host {
        display: block;
        --pulse-chart-line: #1d4ed8;
        min-width: 0;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .plot {
        height: var(--pulse-chart-height, 140px);
        min-width: 0;
      }
      .visually-hidden {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip: rect(0 0 0 0);
        white-space: nowrap;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    label: {},
    summary: {},
    points: { attribute: false },
    formatValue: { attribute: false },
    formatDate: { attribute: false },
    formatTick: { attribute: false },
    xRange: { attribute: false },
    yRange: { attribute: false },
  };

  /** The chart's title, shown as the figure's caption. */
  declare label: string;
  /** A sentence saying what the line shows: the chart's accessible description. */
  declare summary: string;
  declare points: TrendPoint[];
  /** Formats an axis or table value. */
  declare formatValue: (value: number | null) => string;
  /** Formats a bucket's date on the axis and in the table. */
  declare formatDate: (date: Date) => string;
  /** Formats a tick's date on the axis (default: formatDate); short, as ticks sit close together. */
  declare formatTick: (date: Date) => string;
  /** The time span shown (default: the points'): a single point keeps its place in its period. */
  declare xRange?: [Date, Date];
  /** The value range shown (default: the points'), e.g. 0–100 for a score. */
  declare yRange?: [number, number];

  constructor() {
    super();
    this.label = "";
    this.summary = "";
    this.points = [];
    this.formatValue = (value) => String(value ?? "");
    this.formatDate = (date) => date.toISOString().slice(0, 10);
    this.formatTick = (date) => this.formatDate(date);
  }

  #plot: uPlot | null = null;
  #resize = new ResizeObserver(() => this.#fit());

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    this.#plot?.destroy();
    this.#plot = null;
  }

  override render() {
    return html`<figure part="base">
      <figcaption>${this.label}</figcaption>
      <div class="plot" role="img" aria-label=${this.summary}></div>
      <table class="visually-hidden">
        <caption>${this.label}</caption>
        <tbody>
          ${this.points.map(
            (point) =>
              html`<tr><th scope="row">${this.formatDate(point.at)}</th><td>${this.formatValue(point.value)}</td></tr>`,
          )}
        </tbody>
      </table>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (
      !changed.has("points") &&
      !changed.has("formatTick") &&
      !changed.has("xRange") &&
      !changed.has("yRange") &&
      this.#plot
    )
      return;
    const target = this.renderRoot.querySelector<HTMLElement>(".plot");
    if (!target) return;
    this.#plot?.destroy();
    const line = getComputedStyle(this).getPropertyValue("--pulse-chart-line").trim() || "#1d4ed8";
    const data: uPlot.AlignedData = [
      this.points.map((point) => point.at.getTime() / 1000),
      this.points.map((point) => point.value),
    ];
    this.#plot = new uPlot(
      {
        width: Math.max(target.clientWidth, 120),
        height: target.clientHeight || 140,
        legend: { show: false },
        // Right padding: the last tick's label is centred on the plot's edge.
        padding: [8, 40, 0, 0],
        cursor: { show: false },
        scales: {
          x: {
            time: true,
            ...(this.xRange
              ? { range: [this.xRange[0].getTime() / 1000, this.xRange[1].getTime() / 1000] }
              : {}),
          },
          ...(this.yRange ? { y: { range: this.yRange } } : {}),
        },
        axes: [
          {
            values: (_plot, splits) => splits.map((split) => this.formatTick(new Date(split * 1000))),
            // Room for a label like "Sept. 2026" between ticks.
            space: 72,
            stroke: "#374151",
            grid: { stroke: "#e5e7eb" },
          },
          {
            values: (_plot, splits) => splits.map((split) => this.formatValue(split)),
            stroke: "#374151",
            grid: { stroke: "#e5e7eb" },
            size: 56,
          },
        ],
        series: [{}, { stroke: line, width: 2, spanGaps: false, points: { size: 5, fill: line } }],
      },
      data,
      target,
    );
    this.#plot.root.setAttribute("aria-hidden", "true");
    this.#resize.observe(target);
  }

  #fit(): void {
    const target = this.renderRoot.querySelector<HTMLElement>(".plot");
    if (this.#plot && target && target.clientWidth > 0)
      this.#plot.setSize({ width: target.clientWidth, height: target.clientHeight || 140 });
  }
}

customElements.define("pulse-trend-chart", PulseTrendChart);

declare global {
  interface HTMLElementTagNameMap {
    "pulse-trend-chart": PulseTrendChart;
  }
}
