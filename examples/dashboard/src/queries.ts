// Every operation the dashboard sends, typed against packages/server/schema.graphql.
import { graphql } from "./graphql.ts";

// Unmasked (`@_unmask`): the amount is read wherever money is shown, not through readFragment.
const MoneyFields = graphql(`
  fragment MoneyFields on Money @_unmask {
    amount
    currency
  }
`);

/** Portfolio tiles, the health distribution and the at-risk list (trailing 365 days). */
export const PortfolioQuery = graphql(
  `
    query DashboardPortfolio($atRisk: Int!) {
      portfolio {
        from
        to
        activeAccounts
        netRevenueRetention
        grossRevenueRetention
        logoChurnRate
        nps {
          score
          responses
        }
        arpa {
          ...MoneyFields
        }
        healthDistribution {
          green
          yellow
          red
          insufficientData
          noData
        }
        atRiskCount
        atRiskAccounts(first: $atRisk) {
          id
          externalId
          name
          segment
          mrr {
            ...MoneyFields
          }
          health {
            score
            band
          }
          risk {
            reasons {
              code
              message
            }
          }
        }
      }
    }
  `,
  [MoneyFields],
);

/** Monthly trend series of the tiles' metrics. */
export const TrendsQuery = graphql(`
  query DashboardTrends {
    nrr: metricSeries(metric: NET_REVENUE_RETENTION, interval: MONTH) {
      from
      value
    }
    grr: metricSeries(metric: GROSS_REVENUE_RETENTION, interval: MONTH) {
      from
      value
    }
    logoChurn: metricSeries(metric: LOGO_CHURN_RATE, interval: MONTH) {
      from
      value
    }
    nps: metricSeries(metric: NPS, interval: MONTH) {
      from
      value
    }
  }
`);

/** One account's drill-down: health components and trend, usage, surveys and renewals. */
export const AccountQuery = graphql(
  `
    query DashboardAccount($id: ID!) {
      node(id: $id) {
        ... on Account {
          id
          externalId
          name
          segment
          plan
          csmOwner
          seats
          mrr {
            ...MoneyFields
          }
          health {
            score
            band
            trend
            coverage
            insufficientData
            components {
              key
              value
              weight
              used
            }
          }
          healthHistory {
            day
            score
          }
          risk {
            atRisk
            reasons {
              code
            }
          }
          usage {
            activeUsers
            seats
            seatUtilization
            featureAdoption
            stickiness
            loginsPerActiveUserPerWeek
            features {
              key
              count
            }
          }
          nps {
            score
            responses
          }
          csat {
            score
            responses
          }
          ces {
            score
            responses
          }
          surveyResponses(first: 5) {
            edges {
              node {
                id
                kind
                score
                comment
                createdAt
              }
            }
          }
          nextRenewal {
            endsAt
          }
          contracts {
            id
            startsAt
            endsAt
            renewalOutcome
            value {
              ...MoneyFields
            }
          }
        }
      }
    }
  `,
  [MoneyFields],
);

/** Any committed change in the workspace (or, with a viewer token, in its scope). */
export const DomainEventsSubscription = graphql(`
  subscription DashboardEvents($after: ID) {
    domainEvents(after: $after) {
      id
      type
      accountId
      occurredAt
    }
  }
`);
