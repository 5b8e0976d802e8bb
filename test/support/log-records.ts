/** The structured (pino JSON) records of captured log lines, so tests assert on fields, not on wording inside a line. */
export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function logRecords(lines: readonly string[]): LogRecord[] {
  return lines.map((line) => JSON.parse(line) as LogRecord);
}
