export function runPrisma6(options: {
  args: string[];
  schemas?: Record<string, string>;
  databaseUrl: string;
}): string;
export function diffSchemas(options: {
  fromSchemaText: string | null;
  toSchemaText: string;
  databaseUrl: string;
}): string;
export function readSchemaText(path?: string): string;
