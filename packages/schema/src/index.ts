export { openDatabase, type Database, type DatabaseOptions, StatementCounter } from "./database.ts";
export { applyMigrations, readMigrations, MigrationError } from "./migrate.ts";
export {
  type DecimalColumn,
  decimalColumn,
  decimalColumnProblem,
  decimalColumns,
  parseDecimalColumns,
} from "./decimal-columns.ts";
