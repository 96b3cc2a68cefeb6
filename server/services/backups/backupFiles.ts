import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { config } from '../../config.js';
import { badRequest, zodIssues } from '../../errors.js';
import { say } from '../../i18n.js';
import { SystemLog } from '../../models/index.js';
import { AdminUser } from '../../models/index.js';
import { sendEmail } from '../email/sendEmail.js';
import { simpleEmail } from '../email/templates.js';
import { decryptStream } from './cipher.js';

/** BACKUP_DIR as an absolute path (relative values are relative to the working directory). */
export async function backupDir(): Promise<string> {
  const dir = path.resolve(config().BACKUP_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A stored file's name is ours (no path parts), so joining it to the folder stays inside it. */
export function backupPath(dir: string, fileName: string): string {
  if (fileName !== path.basename(fileName) || fileName.startsWith('.')) throw new Error(`bad backup file name ${fileName}`);
  return path.join(dir, fileName);
}

/** Counts and hashes the bytes passing through. */
export function meter(onProgress?: (bytes: number) => void): Transform & { bytes: () => number; sha256: () => string } {
  const hash = createHash('sha256');
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.(bytes);
      done(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => bytes, sha256: () => hash.digest('hex') });
}

export const devNull = (): Writable => new Writable({ write: (_c, _e, done) => done() });

export async function fileSha256(file: string): Promise<{ sha256: string; size: number }> {
  const m = meter();
  await pipeline(createReadStream(file), m, devNull());
  return { sha256: m.sha256(), size: m.bytes() };
}

/** Decrypts a whole file into `sink` (default: nowhere), failing on any tampering or truncation. */
export async function decryptFile(file: string, sink: Writable = devNull()): Promise<void> {
  await pipeline(createReadStream(file), decryptStream(config().BACKUP_KEY), sink);
}

/** Plaintext of an encrypted file, as a stream (the caller has authenticated the file first). */
export function decryptedReadable(file: string): Readable {
  return createReadStream(file).pipe(decryptStream(config().BACKUP_KEY));
}

/** An operator-facing event: a system_logs row and, when `email`, a message to every active super admin with an address. */
export async function reportBackupEvent(
  level: 'info' | 'error' | 'alert',
  source: string,
  message: string,
  context: Record<string, unknown>,
  email?: { subject: string; paragraphs: string[] },
): Promise<void> {
  await SystemLog.create({ level, source, message, context });
  if (!email) return;
  const admins = await AdminUser.findAll({ attributes: ['id', 'email'], where: { role: 'super_admin', status: 'active' } });
  for (const admin of admins) {
    if (!admin.email) continue;
    const mail = simpleEmail(source, email.subject, email.paragraphs);
    await sendEmail({ to: admin.email, userId: admin.id, subject: mail.subject, text: mail.text, html: mail.html, template: mail.template });
  }
}

/** A command's input, validated: bad input is a 400 in both languages, never a 500. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const zh = schema.safeParse(raw, { error: z.locales.zhCN().localeError });
  throw badRequest(say(zodIssues(zh.error ?? parsed.error), zodIssues(parsed.error)), 'INVALID_INPUT');
}
