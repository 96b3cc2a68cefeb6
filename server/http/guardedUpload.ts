import { mkdirSync, unlink } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { config } from '../config.js';
import { type Localized, requestLang, say } from '../i18n.js';

/** formidable 1 (what AdminJS's express-formidable runs), used directly so its limits and temp files are ours. */
interface FormidablePart { name: string; filename?: string; mime?: string }
interface FormidableFile { path: string; name: string; type: string; size: number }
interface IncomingForm {
  uploadDir: string;
  maxFields: number;
  maxFieldsSize: number;
  maxFileSize: number;
  multiples: boolean;
  onPart(part: FormidablePart): void;
  handlePart(part: FormidablePart): void;
  _error(err: Error): void;
  on(event: 'fileBegin', fn: (name: string, file: FormidableFile) => void): void;
  on(event: 'progress', fn: (received: number, expected: number) => void): void;
  parse(req: Request, cb: (err: Error | null, fields: Record<string, unknown>, files: Record<string, FormidableFile | FormidableFile[]>) => void): void;
}
const formidable = createRequire(import.meta.url)('formidable') as { IncomingForm: new () => IncomingForm };

/** One file field a form may upload: its name, the largest file, the accepted types and how many. */
export interface UploadRule {
  field: string;
  maxBytes: number;
  /** The types the browser may claim; omitted when the command judges the bytes itself. */
  mimeTypes?: readonly string[];
  maxFiles?: number;
}

export interface ParsedForm {
  fields: Record<string, unknown>;
  files: Record<string, FormidableFile | FormidableFile[]>;
}

/** All form fields of one request together (the "fields ≤ 64 KB"). */
export const MAX_FIELDS_BYTES = 64 * 1024;

export function uploadDir(): string {
  const dir = config().UPLOAD_TMP_DIR || path.join(os.tmpdir(), 'seahorse-uploads');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export class FormRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly text: Localized,
  ) {
    super(reason);
  }
}

const TOO_LARGE = () => new FormRefusal(413, 'BODY_TOO_LARGE', say('提交的内容过大', 'The form is too large'));
export const NOT_LOGGED_IN = () => new FormRefusal(401, 'UNAUTHORIZED', say('请先登录', 'Please log in first'));
const NO_FILES = () => new FormRefusal(400, 'UPLOAD_NOT_EXPECTED', say('此处不接受上传文件', 'This form takes no files'));
const BAD_TYPE = () => new FormRefusal(415, 'UPLOAD_TYPE_REFUSED', say('不支持的文件类型', 'This file type is not accepted'));

export function refuseForm(req: Request, res: Response, err: unknown): void {
  const refusal = err instanceof FormRefusal ? err : new FormRefusal(400, 'MALFORMED_FORM', say('表单格式不正确', 'The form could not be read'));
  const message = refusal.text[requestLang(req)];
  // The rest of an oversized body is not read: the connection closes after the answer.
  res.set('Connection', 'close').status(refusal.status).json({ success: false, code: 1000 + refusal.status, reason: refusal.reason, message, notice: { message, type: 'error' } });
}

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
const isForm = (req: Request) => /^(multipart\/form-data|application\/x-www-form-urlencoded|application\/json)\b/i.test(req.headers['content-type'] ?? '');

/**
 * Reads a form body (urlencoded, JSON or multipart) with limits: fields together ≤ 64 KB, files only
 * in the fields `uploads` names, each within its rule, and every temp file deleted when the response
 * ends, whatever the outcome (handlers that keep a file move or copy it before answering).
 */
export function parseForm(req: Request, res: Response, uploads: readonly UploadRule[] = []): Promise<ParsedForm> {
  if (!hasBody(req) || !isForm(req)) return Promise.resolve({ fields: {}, files: {} });
  const started: string[] = [];
  const removeAll = () => {
    for (const file of started) unlink(file, () => undefined);
  };
  // A temp file's open can still be under way when the answer is sent (a refusal mid-upload): remove
  // the files when the response closes, and once more a moment later for any opened after that.
  res.once('close', () => {
    removeAll();
    setTimeout(removeAll, 500).unref();
  });
  const form = new formidable.IncomingForm();
  form.uploadDir = uploadDir();
  form.maxFields = 1000;
  form.maxFieldsSize = MAX_FIELDS_BYTES;
  const fileAllowance = uploads.reduce((sum, r) => sum + r.maxBytes * (r.maxFiles ?? 1), 0);
  form.maxFileSize = Math.max(1, fileAllowance);
  form.multiples = true;
  const limit = MAX_FIELDS_BYTES + fileAllowance + 64 * 1024; // + multipart framing
  const counts = new Map<string, number>();
  let refusal: FormRefusal | null = null;
  const refuse = (r: FormRefusal) => {
    refusal ??= r;
    form._error(r);
  };
  form.on('progress', (received) => {
    if (received > limit) refuse(TOO_LARGE());
  });
  form.on('fileBegin', (_name, file) => started.push(file.path));
  form.onPart = (part) => {
    if (part.filename === undefined) return form.handlePart(part);
    const rule = uploads.find((r) => r.field === part.name);
    if (!rule) return refuse(NO_FILES());
    if (!part.filename) return; // an empty file input: nothing was chosen
    if (rule.mimeTypes && !rule.mimeTypes.includes((part.mime ?? '').toLowerCase())) return refuse(BAD_TYPE());
    const n = (counts.get(rule.field) ?? 0) + 1;
    counts.set(rule.field, n);
    if (n > (rule.maxFiles ?? 1)) return refuse(TOO_LARGE());
    form.handlePart(part);
  };
  return new Promise((resolve, reject) => {
    form.parse(req, (err, fields, files) => {
      if (err) return reject(refusal ?? (/maxFieldsSize|maxFileSize|maxFields/.test(err.message) ? TOO_LARGE() : err));
      for (const rule of uploads) {
        const got = files[rule.field];
        for (const f of Array.isArray(got) ? got : got ? [got] : []) if (f.size > rule.maxBytes) return reject(TOO_LARGE());
      }
      resolve({ fields, files });
    });
  });
}

/**
 * A route that takes an upload: parses the form under `rules` into `req.fields` / `req.files` (the
 * shape AdminJS reads) and answers 4xx on a form that breaks them. Mount it after authentication.
 */
export function guardedUpload(rules: readonly UploadRule[]): RequestHandler {
  return (req, res, next) => {
    parseForm(req, res, rules).then(
      ({ fields, files }) => {
        Object.assign(req, { fields, files, express_formidable: { parsed: true } });
        next();
      },
      (err: unknown) => refuseForm(req, res, err),
    );
  };
}
