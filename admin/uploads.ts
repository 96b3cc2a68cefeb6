import { readFile, rm, stat } from 'node:fs/promises';
import { badRequest } from '../server/errors.js';
import { say } from '../server/i18n.js';

/**
 * The one place admin actions take an uploaded file from a form (AdminJS's multipart parser has
 * already written it to a temp file): an explicit byte limit checked BEFORE reading, and the temp
 * file always deleted afterwards, whatever happens. Files are judged by content by the command.
 */
interface TempFile {
  path: string;
  size?: number;
}

const isTempFile = (v: unknown): v is TempFile => !!v && typeof v === 'object' && typeof (v as TempFile).path === 'string';

/** The bytes of the uploaded file in `value` (null when none was sent), at most `maxBytes`. */
export async function takeUpload(value: unknown, maxBytes: number, tooLarge = say('文件过大', 'The file is too large')): Promise<Buffer | null> {
  if (!isTempFile(value)) return null;
  try {
    const { size } = await stat(value.path);
    if (size === 0) return null;
    if (size > maxBytes) throw badRequest(tooLarge, 'FILE_TOO_LARGE', 1413);
    return await readFile(value.path);
  } finally {
    await rm(value.path, { force: true });
  }
}

/** Deletes every temp file left in a payload (fields the action did not take). */
export async function discardUploads(payload: Record<string, unknown> | undefined): Promise<void> {
  for (const v of Object.values(payload ?? {})) if (isTempFile(v)) await rm(v.path, { force: true });
}
