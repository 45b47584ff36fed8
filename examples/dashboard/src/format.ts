// Numbers, money and dates in the page's language.
export interface Formatters {
  percent(value: number | null | undefined): string;
  number(value: number | null | undefined, digits?: number): string;
  ratio(value: number | null | undefined): string;
  money(money: { amount: string; currency: string } | null | undefined): string;
  date(iso: string | null | undefined): string;
  month(date: Date): string;
  /** Day and month, for the ticks of a daily axis. */
  day(date: Date): string;
  time(date: Date): string;
}

export function formattersFor(lang: string, empty: string): Formatters {
  const number = (digits: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits });
  const ratio = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
  const month = new Intl.DateTimeFormat(lang, { month: "short", year: "numeric", timeZone: "UTC" });
  const day = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" });
  const time = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
  return {
    // The API's percentages are 0–100.
    percent: (value) => (value == null ? empty : percent.format(value / 100)),
    number: (value, digits = 1) => (value == null ? empty : number(digits).format(value)),
    ratio: (value) => (value == null ? empty : ratio.format(value)),
    money: (money) =>
      money == null
        ? empty
        : new Intl.NumberFormat(lang, {
            style: "currency",
            currency: money.currency,
            maximumFractionDigits: 0,
          }).format(Number(money.amount)),
    date: (iso) => (iso == null ? empty : date.format(new Date(iso))),
    month: (value) => month.format(value),
    day: (value) => day.format(value),
    time: (value) => time.format(value),
  };
}
