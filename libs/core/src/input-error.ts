/**
 * An error in data the user gave us. The message always names the file, and where known
 * the line or field, so a user never has to read a stack trace to find the problem.
 */
export class InputError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;

  constructor(file: string, problem: string, where: { line?: number; field?: string } = {}) {
    const location = [file, where.line !== undefined ? `line ${where.line}` : undefined, where.field]
      .filter((part) => part !== undefined)
      .join(': ');
    super(`${location}: ${problem}`);
    this.name = 'InputError';
    this.file = file;
    this.line = where.line;
    this.field = where.field;
  }
}
