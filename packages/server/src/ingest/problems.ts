// Every problem of a request, gathered before anything is written and answered as one
// ValidationError, so a client fixes a whole batch in one round trip.
import { type FieldProblem, ValidationError } from "../errors.ts";

const PROBLEMS_IN_MESSAGE = 5;

export class Problems {
  private readonly found: FieldProblem[] = [];

  add(path: string, message: string): void {
    this.found.push({ path, message });
  }

  throwIfAny(): void {
    if (this.found.length > 0) this.fail();
  }

  /** Throws the problems found so far; call it once at least one was added. */
  fail(): never {
    // Numeric order, so items.2 comes before items.10 whatever phase found the problem.
    const fields = [...this.found].sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
    const shown = fields.slice(0, PROBLEMS_IN_MESSAGE).map((field) => `${field.path} ${field.message}`);
    const more =
      fields.length > PROBLEMS_IN_MESSAGE ? `; and ${fields.length - PROBLEMS_IN_MESSAGE} more` : "";
    throw new ValidationError(`Invalid input, nothing was written: ${shown.join("; ")}${more}`, fields);
  }
}
