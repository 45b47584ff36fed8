/**
 * The Prisma query Pothos planned for a field, made safe to send. When the caller selects no
 * field of the row (a mutation result asked only for `__typename`), the plan is `{ select: {} }`,
 * which Prisma refuses; the whole row answers that selection just as well.
 */
export function rowQuery<Query extends object>(query: Query): Query {
  const select = (query as { select?: object }).select;
  return (select && Object.keys(select).length === 0 ? {} : query) as Query;
}
