import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { config, setConfig } from '../../server/config.js';
import { AdminUser } from '../../server/models/index.js';
import { queue } from '../../server/queues/queue.js';
import { redis } from '../../server/redis.js';
import { captchaKey } from '../../server/services/identity/captcha.js';
import { createAdminUser, type CreateAdminUserProps } from '../../server/services/identity/createAdminUser.js';
import { startWorker, type RunningWorker } from '../../worker/index.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

function decodeWords(header: string): string {
  return header.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function headerOf(head: string, name: string): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '';
}

/** Just enough MIME to read what nodemailer sends: the subject and the decoded text/plain part. */
export function parseMail(raw: string, to: string[]): ReceivedMail {
  const split = (chunk: string) => {
    const at = chunk.search(/\r?\n\r?\n/);
    return { head: chunk.slice(0, at), body: chunk.slice(at).replace(/^\r?\n\r?\n/, '') };
  };
  const top = split(raw);
  const subject = decodeWords(headerOf(top.head, 'Subject'));
  const boundary = /boundary="?([^";]+)"?/i.exec(headerOf(top.head, 'Content-Type'))?.[1];
  const parts = boundary ? top.body.split(`--${boundary}`).slice(1, -1).map((p) => split(p.replace(/^\r?\n/, ''))) : [top];
  const plain = parts.find((p) => /text\/plain/i.test(headerOf(p.head, 'Content-Type')) || !headerOf(p.head, 'Content-Type')) ?? parts[0]!;
  return { to, subject, text: decodeBody(plain.body.trimEnd(), headerOf(plain.head, 'Content-Transfer-Encoding')), raw };
}

export interface TestMailbox {
  url: string;
  mails: ReceivedMail[];
  /** Resolves with the first mail to `address` matching `match` (waits for delivery through the queue). */
  next(address: string, match?: (m: ReceivedMail) => boolean): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on an ephemeral port that keeps what it receives. */
export async function startMailbox(): Promise<TestMailbox> {
  const mails: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address.toLowerCase())));
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const taken = new Set<ReceivedMail>();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async next(address, match = () => true) {
      for (;;) {
        const found = mails.find((m) => !taken.has(m) && m.to.includes(address.toLowerCase()) && match(m));
        if (found) {
          taken.add(found);
          return found;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** SMTP_URL pointed at the mailbox and the real email worker running, for one suite. */
export async function startMailDelivery(): Promise<{ mailbox: TestMailbox; stop(): Promise<void> }> {
  // Files that ran before this one (same process, same Redis prefix) may have queued hundreds of
  // emails with no email worker running; a worker started now would deliver that whole backlog first
  // (about 50 a second) and the mail a test waits for could come after its timeout. Those waiting
  // delivery jobs are dropped (their rows stay 'queued' for the requeue schedule, as after a lost
  // Redis); what the test sends from here on still goes through the real queue, worker and SMTP.
  await queue('email').clean(0, 'wait');
  const mailbox = await startMailbox();
  const before = config();
  setConfig({ ...before, SMTP_URL: mailbox.url });
  const worker: RunningWorker = await startWorker({ only: ['email'] });
  return {
    mailbox,
    async stop() {
      await worker.close();
      setConfig(before);
      await mailbox.close();
    },
  };
}

/** The first absolute link in a mail that goes to `page` (e.g. "/auth/verify"). */
export function linkIn(mail: ReceivedMail, page: string): URL {
  const match = new RegExp(`https?://[^\\s"<>]*${page.replace(/\//g, '\\/')}\\?[^\\s"<>]+`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in mail "${mail.subject}":\n${mail.text}`);
  return new URL(match[0]);
}

/** The answer of a captcha, read from where the server keeps it (Redis), as a human would read the image. */
export async function solveCaptcha(id: string): Promise<string> {
  const answer = await redis().get(captchaKey(id));
  if (!answer) throw new Error(`captcha ${id} not found`);
  return answer;
}

let counter = 0;
/** A unique username/email pair for a test user. */
export function uniqueName(prefix: string): { username: string; email: string } {
  counter += 1;
  const username = `${prefix.replace(/_/g, '').slice(0, 8)}_${Date.now().toString(36)}_${counter}`;
  return { username, email: `${username}@example.test` };
}

export async function makeUser(props: Partial<CreateAdminUserProps> & { password?: string } = {}): Promise<AdminUser> {
  const name = uniqueName(props.role ?? 'agent');
  return createAdminUser({ username: name.username, email: name.email, password: 'Passw0rd1', role: 'agent', ...props });
}

/** POSTs a form the way a browser does (urlencoded, redirects not followed). */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** The value of a hidden/text input in server-rendered HTML. */
export function inputValue(html: string, name: string): string {
  const match = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no input ${name} in page`);
  return match[1]!;
}

/** A fresh captcha from a page, solved. */
export async function captchaFrom(pageUrl: string, headers: Record<string, string> = {}): Promise<{ captchaId: string; captchaAnswer: string }> {
  const html = await (await fetch(pageUrl, { headers })).text();
  const captchaId = inputValue(html, 'captchaId');
  return { captchaId, captchaAnswer: await solveCaptcha(captchaId) };
}
