export { openDatabase, type Database, type DatabaseOptions, StatementCounter } from "./database.ts";
export { applyMigrations, readMigrations, MigrationError } from "./migrate.ts";
