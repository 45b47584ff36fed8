// The health badge as a plain SVG image, for READMEs, e-mails and pages without JavaScript.
// Every text is XML-escaped; nothing from the request reaches the SVG unescaped.
import type { HealthBand } from "@pulse/schema/prisma";

export type BadgeStyle = "flat" | "pill" | "card";
export type BadgeTheme = "light" | "dark";

export interface BadgeData {
  accountName: string;
  score: number | null;
  band: HealthBand | null;
  /** Too little data for a score: the badge is neutral and says "no data". */
  insufficientData?: boolean;
  trend: number | null;
  history: { day: string; score: number }[];
}

function hasNoScore(data: BadgeData): boolean {
  return data.insufficientData === true || data.score === null;
}

export interface BadgeOptions {
  style: BadgeStyle;
  theme: BadgeTheme;
  label: string;
}

// Band colours with at least 4.5:1 contrast against white text (WCAG AA).
const BAND_COLORS: Record<HealthBand, string> = { GREEN: "#1a7f37", YELLOW: "#9a6700", RED: "#cf222e" };
const NO_DATA_COLOR = "#57606a";

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Approximate text width at 11px Verdana-like sans serif, enough to size the badge. */
function textWidth(text: string): number {
  return Math.ceil([...text].length * 6.6 + 10);
}

export function bandLabel(band: BadgeData["band"]): string {
  return band === null ? "no data" : band.toLowerCase();
}

export function scoreText(data: BadgeData): string {
  return hasNoScore(data) || data.score === null
    ? "no data"
    : `${Math.round(data.score)} · ${bandLabel(data.band)}`;
}

export function renderBadgeSvg(data: BadgeData, options: BadgeOptions): string {
  const color = data.band && !hasNoScore(data) ? BAND_COLORS[data.band] : NO_DATA_COLOR;
  const accessibleName =
    hasNoScore(data) || data.score === null
      ? `${options.label}: no data`
      : `${options.label} ${Math.round(data.score)}, ${bandLabel(data.band)}`;
  if (options.style === "card") return renderCard(data, options, color, accessibleName);
  const label = options.label;
  const value = scoreText(data);
  const left = textWidth(label);
  const right = textWidth(value);
  const width = left + right;
  const radius = options.style === "pill" ? 10 : 3;
  const labelBackground = options.theme === "dark" ? "#24292f" : "#555";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${escapeXml(accessibleName)}">
<title>${escapeXml(accessibleName)}</title>
<clipPath id="r"><rect width="${width}" height="20" rx="${radius}"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="${labelBackground}"/><rect x="${left}" width="${right}" height="20" fill="${color}"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${escapeXml(label)}</text><text x="${left + right / 2}" y="14">${escapeXml(value)}</text>
</g></svg>`;
}

function renderCard(data: BadgeData, options: BadgeOptions, color: string, accessibleName: string): string {
  const dark = options.theme === "dark";
  const background = dark ? "#0d1117" : "#ffffff";
  const foreground = dark ? "#e6edf3" : "#1f2328";
  const muted = dark ? "#9198a1" : "#59636e";
  const border = dark ? "#3d444d" : "#d1d9e0";
  const name = data.accountName.length > 32 ? `${data.accountName.slice(0, 31)}…` : data.accountName;
  const trend =
    data.trend === null ? "" : `${data.trend >= 0 ? "▲" : "▼"} ${Math.abs(data.trend).toFixed(1)} in 30 days`;
  const points = sparkline(data.history, 120, 36);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="280" height="96" role="img" aria-label="${escapeXml(accessibleName)}">
<title>${escapeXml(accessibleName)}</title>
<rect x="0.5" y="0.5" width="279" height="95" rx="8" fill="${background}" stroke="${border}"/>
<g font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif">
<text x="16" y="26" font-size="12" fill="${muted}">${escapeXml(options.label)} · ${escapeXml(name)}</text>
<text x="16" y="64" font-size="32" font-weight="700" fill="${foreground}">${data.score === null ? "—" : Math.round(data.score)}</text>
<rect x="78" y="42" width="${textWidth(bandLabel(data.band))}" height="22" rx="11" fill="${color}"/>
<text x="${78 + textWidth(bandLabel(data.band)) / 2}" y="57" font-size="12" text-anchor="middle" fill="#fff">${escapeXml(bandLabel(data.band))}</text>
<text x="16" y="84" font-size="11" fill="${muted}">${escapeXml(trend)}</text>
</g>
${points ? `<polyline points="${points}" transform="translate(144,34)" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>` : ""}
</svg>`;
}

/** Polyline points of the scores (0–100) scaled into width × height. */
export function sparkline(history: { score: number }[], width: number, height: number): string {
  if (history.length < 2) return "";
  const step = width / (history.length - 1);
  return history
    .map(
      (point, index) => `${(index * step).toFixed(1)},${(height - (point.score / 100) * height).toFixed(1)}`,
    )
    .join(" ");
}

/** shields.io "endpoint" badge JSON. */
export function shieldsEndpoint(data: BadgeData, label: string) {
  const band = hasNoScore(data) ? null : data.band;
  const color =
    band === "GREEN" ? "brightgreen" : band === "YELLOW" ? "yellow" : band === "RED" ? "red" : "lightgrey";
  return { schemaVersion: 1, label, message: scoreText(data), color };
}
