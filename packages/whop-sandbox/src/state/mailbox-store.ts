/**
 * The dev mailbox: Chronos (which shares no state with the sandbox) POSTs its dev emails
 * to `/sandbox/api/mailbox`, and the sandbox UI shows them. Newest first, capped.
 */
import { newId } from './id-generator.ts';

export interface MailMessage {
  id: string; // mail_…
  from: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
  received_at: string;
}

export type NewMail = Omit<MailMessage, 'id' | 'received_at'>;

export class MailboxStore {
  private messages: MailMessage[] = [];

  constructor(private readonly maxMessages = 500) {}

  add(mail: NewMail): MailMessage {
    const message: MailMessage = { id: newId('mail'), received_at: new Date().toISOString(), ...mail };
    this.messages.unshift(message);
    this.messages.length = Math.min(this.messages.length, this.maxMessages);
    return message;
  }

  list(): MailMessage[] {
    return [...this.messages];
  }

  get(id: string): MailMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  clear(): void {
    this.messages = [];
  }
}
