/**
 * The logger a process writes to its console with. JSON lines (what production and log
 * collectors read) unless a developer watches a terminal: in development with standard output
 * a TTY, lines go through pino-pretty (a dev dependency, imported only then, so production
 * never loads it), and the "listening" line stands out with the address to open.
 */
import type { DestinationStream, Logger } from 'pino';
import { createLogger } from './logger.ts';

export interface ConsoleLoggerOptions {
  level: string;
  name?: string;
  nodeEnv: string;
  /** Whether standard output is a terminal (`process.stdout.isTTY`). */
  isTTY: boolean;
}

/** Whether a person reads these logs in a terminal, so they are worth prettifying. */
export function wantsPrettyLogs(options: Pick<ConsoleLoggerOptions, 'nodeEnv' | 'isTTY'>): boolean {
  return options.nodeEnv === 'development' && options.isTTY;
}

/** The message of the line a server writes once it listens; `url` names the address. */
export const LISTENING_MESSAGE = 'chronos listening';

/** "➜ Chronos is ready: http://localhost:3000" in bold green, else the line's own message. */
export function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const message = String(log[messageKey] ?? '');
  if (message !== LISTENING_MESSAGE || typeof log.url !== 'string') return message;
  return `\u001b[1;32m➜ Chronos is ready: ${log.url}\u001b[0m`;
}

/** pino-pretty writing to standard output, or to `destination` (tests read it). */
export async function prettyDestination(destination?: NodeJS.WritableStream): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    ...(destination ? { destination, sync: true } : {}),
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    messageFormat: prettyMessage,
  });
}

export async function createConsoleLogger(options: ConsoleLoggerOptions): Promise<Logger> {
  const settings = { level: options.level, ...(options.name ? { name: options.name } : {}) };
  if (!wantsPrettyLogs(options)) return createLogger(settings);
  return createLogger(settings, await prettyDestination());
}
