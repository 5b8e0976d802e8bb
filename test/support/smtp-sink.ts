/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, for tests: it keeps every mail it
 * accepts, parsed enough to assert on (envelope, subject, the text and HTML parts), and can be
 * told to refuse recipients or data with a given SMTP reply, or to require a login.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  headers: Map<string, string>;
  subject: string;
  contentType: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpSink {
  port: number;
  /** `smtp://[user:pass@]127.0.0.1:<port>` */
  url: string;
  received: ReceivedMail[];
  /** Set to refuse every recipient (RCPT TO) with this reply; null accepts. */
  rejectRecipients: SmtpReply | null;
  /** Set to refuse the message after DATA with this reply; null accepts. */
  rejectData: SmtpReply | null;
  close(): Promise<void>;
}

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

export async function startSmtpSink(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const { auth } = options;
  const sink: Omit<SmtpSink, 'port' | 'url' | 'close'> = { received: [], rejectRecipients: null, rejectData: null };
  const serverOptions: SMTPServerOptions = {
    secure: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 1_000,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass)
        callback(null, { user: auth.user });
      else callback(smtpError({ code: 535, message: 'Authentication credentials invalid' }));
    },
    onRcptTo(_address, _session, callback) {
      callback(sink.rejectRecipients ? smtpError(sink.rejectRecipients) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (sink.rejectData) return callback(smtpError(sink.rejectData));
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        sink.received.push({
          envelopeFrom,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMessage(raw),
        });
        callback(null);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return Object.assign(sink, {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

// --- just enough MIME to read what nodemailer writes ---------------------------------------

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i += 1) {
    if (input[i] === '=' && /^[0-9A-F]{2}$/i.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(input[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes);
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body).toString('utf8');
    default:
      return body;
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header value. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

function parseMessage(raw: string): Omit<ReceivedMail, 'envelopeFrom' | 'envelopeTo' | 'raw'> {
  const { headers, body } = splitHeaders(raw);
  const found = { text: '', html: '' };
  const walk = (partHeaders: Map<string, string>, partBody: string) => {
    const type = partHeaders.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      for (const section of partBody.split(`--${boundary}`).slice(1)) {
        if (section.startsWith('--')) break;
        const part = splitHeaders(section.replace(/^\r\n/, ''));
        walk(part.headers, part.body.replace(/\r\n$/, ''));
      }
    } else if (type.toLowerCase().startsWith('text/html'))
      found.html = decodeBody(partBody, partHeaders.get('content-transfer-encoding'));
    else if (type.toLowerCase().startsWith('text/plain'))
      found.text = decodeBody(partBody, partHeaders.get('content-transfer-encoding'));
  };
  walk(headers, body);
  return {
    headers,
    subject: decodeHeader(headers.get('subject') ?? ''),
    contentType: headers.get('content-type') ?? '',
    ...found,
  };
}
