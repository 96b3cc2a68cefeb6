import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { config } from '../config.js';

/**
 * Where uploaded files live. One small interface so an S3-compatible store can replace the local
 * folder later without touching the commands: `put` stores bytes under a key and returns the public
 * URL, `remove` deletes them (missing is fine).
 */
export interface FileStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<{ url: string }>;
  remove(key: string): Promise<void>;
  /** The key of a URL this store handed out, or null when the URL is not one of ours. */
  keyOf(url: string): string | null;
}

export const UPLOADS_PATH = '/uploads';
const SAFE_KEY = /^[a-z0-9][a-z0-9/_-]*\.(png|jpg)$/;

/** The local folder `UPLOAD_DIR`, served by `uploadsStatic()` under /uploads/. */
export class LocalFileStore implements FileStore {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, bytes: Buffer): Promise<{ url: string }> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file.
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, file);
    return { url: `${UPLOADS_PATH}/${key}` };
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  keyOf(url: string): string | null {
    const prefix = `${UPLOADS_PATH}/`;
    if (!url.startsWith(prefix)) return null;
    const key = url.slice(prefix.length);
    return SAFE_KEY.test(key) && !key.includes('..') ? key : null;
  }
}

export function fileStore(): FileStore {
  return new LocalFileStore(path.resolve(config().UPLOAD_DIR));
}

const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg' };

/**
 * GET /uploads/*: only the image types we store, with their Content-Type, `nosniff` and a long
 * cache (keys are random and never rewritten, so a URL's content never changes).
 */
export function uploadsStatic(): RequestHandler {
  const serve = express.static(path.resolve(config().UPLOAD_DIR), {
    index: false,
    dotfiles: 'deny',
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res, file) => {
      res.setHeader('Content-Type', TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    },
  });
  return (req, res, next) => {
    if (!TYPES[path.extname(req.path).toLowerCase()]) return next();
    return serve(req, res, next);
  };
}
