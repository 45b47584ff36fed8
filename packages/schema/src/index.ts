export { type Database, type DatabaseOptions, openDatabase, StatementCounter } from "./database.ts";
export {
  type DecimalColumn,
  decimalColumn,
  decimalColumnProblem,
  decimalColumns,
  parseDecimalColumns,
} from "./decimal-columns.ts";
export { applyMigrations, MigrationError, readMigrations } from "./migrate.ts";
