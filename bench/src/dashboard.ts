// The dashboard request every contender (D, R, N) answers: one page of accounts with health
// (score, band, trend, components), NPS, CSAT, CES, usage, MRR, next renewal and risk.
export const DASHBOARD_QUERY = `query Dashboard($first: Int!, $after: String) {
  accounts(first: $first, after: $after) {
    edges {
      cursor
      node {
        id externalId name segment plan seats
        health { score band trend components { key weight value used } }
        nps { score promoters passives detractors responses }
        csat { score average responses }
        ces { score easyShare responses }
        usage { activeUsers seatUtilization loginsPerActiveUserPerWeek averageSessionMinutes stickiness featureAdoption }
        mrr { amount currency }
        nextRenewal { endsAt renewalOutcome }
        risk { atRisk reasons { code message } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PORTFOLIO_QUERY = `query Portfolio($period: PeriodInput) {
  portfolio(period: $period) {
    from to
    nps { score responses } csat { score responses } ces { score responses }
    accountMovements { startingAccounts churnedAccounts endingAccounts newAccounts }
    logoChurnRate customerRetentionRate
    startingMrr { amount } grossRevenueRetention netRevenueRetention revenueChurnRate
    expansionRevenue { amount } expansionRate contractionMrr { amount } churnedMrr { amount }
    renewalRate { rate renewed churned pending }
    mrr { amount currency } activeAccounts arpa { amount } averageLifetimeValue { amount }
    timeToFirstValue { accounts medianDays averageDays }
    onboardingCompletion { rate completed cohortSize }
    healthDistribution { green yellow red noData }
    atRiskCount
    atRiskAccounts(first: 20) { id name }
  }
}`;

export function graphqlBody(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify(variables ? { query, variables } : { query });
}

/** Relay global id, as @pothos/plugin-relay encodes it. */
export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString("base64");
}

/** The accounts connection's cursor (same encoding as Pulse's account index): [name, id]. */
export function accountCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString("base64url");
}

/**
 * One account's drill-down, as the reference dashboard asks it (examples/dashboard/src/queries.ts,
 * `DashboardAccount`): health with components, trend and history, risk, usage with features,
 * surveys and their last responses, renewal and contracts.
 */
export const ACCOUNT_QUERY = `query DashboardAccount($id: ID!) {
  node(id: $id) {
    ... on Account {
      id externalId name segment plan csmOwner seats
      mrr { ...MoneyFields }
      health { score band trend coverage insufficientData components { key value weight used } }
      healthHistory { day score }
      risk { atRisk reasons { code } }
      usage { activeUsers seats seatUtilization featureAdoption stickiness loginsPerActiveUserPerWeek features { key count } }
      nps { score responses }
      csat { score responses }
      ces { score responses }
      surveyResponses(first: 5) { edges { node { id kind score comment createdAt } } }
      nextRenewal { endsAt }
      contracts { id startsAt endsAt renewalOutcome value { ...MoneyFields } }
    }
  }
}
fragment MoneyFields on Money { amount currency }`;
