// The per-server cache of each workspace's portfolio inputs (the statement: data/portfolio.ts).
import type { PortfolioAccountRow } from "../data/portfolio.ts";

export { loadPortfolioAccounts, type PortfolioAccountRow } from "../data/portfolio.ts";

/**
 * Each workspace's portfolio inputs, kept between requests while its facts revision stays the same
 * (every statement that changes its accounts or revenue events bumps it, whoever sends it: see the
 * facts_revision migration), so a dashboard page or a portfolio does not read and parse every
 * account's revenue history on every request. Exact: an entry is used only for the revision it was
 * read at, and a reader that sees an older revision (a lagging replica) reads again. One per
 * server; the least recently used workspaces beyond `maxWorkspaces` are dropped.
 */
export class PortfolioCache {
  private readonly entries = new Map<string, { revision: string; rows: Promise<PortfolioAccountRow[]> }>();

  constructor(private readonly maxWorkspaces = 32) {}

  get(
    workspaceId: string,
    revision: string,
    load: () => Promise<PortfolioAccountRow[]>,
  ): Promise<PortfolioAccountRow[]> {
    const entry = this.entries.get(workspaceId);
    this.entries.delete(workspaceId);
    if (entry && entry.revision === revision) {
      this.entries.set(workspaceId, entry);
      return entry.rows;
    }
    const rows = load();
    const fresh = { revision, rows };
    this.entries.set(workspaceId, fresh);
    // A failed read is not kept.
    rows.catch(() => {
      if (this.entries.get(workspaceId) === fresh) this.entries.delete(workspaceId);
    });
    while (this.entries.size > this.maxWorkspaces) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return rows;
  }
}
