import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streaming authenticated encryption for backup files (and log archives): the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM.
 *
 * File layout:
 *   header  = MAGIC (8) | wrap nonce (12) | wrapped file key (32) | wrap tag (16)
 *   chunk*  = flag (1: 0 = more follow, 1 = final) | ciphertext length (4, BE) | ciphertext | tag (16)
 *
 * - A random 32-byte file key encrypts the chunks; it is stored wrapped (AES-256-GCM) under
 *   BACKUP_KEY with the magic as associated data, so the long-term key encrypts 32 bytes per file.
 * - Chunk i is sealed with nonce = i (11 bytes, big-endian) | final flag (1 byte) and the whole
 *   header as associated data: chunks cannot be reordered, dropped, moved to another file, or
 *   have their flag flipped without a tag failure.
 * - Exactly one final chunk, at the end: a file cut at a chunk boundary lacks it (TruncatedError),
 *   bytes after it are refused.
 * - Memory is one chunk (64 KiB) on each side, whatever the file size.
 */
export const MAGIC = Buffer.from('SHBKv1\0\0', 'latin1');
export const CHUNK_SIZE = 64 * 1024;
const NONCE = 12;
const TAG = 16;
const HEADER = MAGIC.length + NONCE + 32 + TAG;
const FRAME = 5;

export class BackupCipherError extends Error {
  constructor(
    message: string,
    readonly reason: 'NOT_A_BACKUP' | 'WRONG_KEY' | 'TAMPERED' | 'TRUNCATED',
  ) {
    super(message);
    this.name = 'BackupCipherError';
  }
}

function keyBytes(hexKey: string): Buffer {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32) throw new Error('BACKUP_KEY must be 32 bytes (64 hex characters)');
  return key;
}

function chunkNonce(index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(NONCE);
  nonce.writeUIntBE(index, 5, 6); // 48 bits of counter: far beyond any file (2^48 × 64 KiB)
  nonce[NONCE - 1] = final ? 1 : 0;
  return nonce;
}

/** Encrypts a byte stream (see the file layout above) under `hexKey`. */
export function encryptStream(hexKey: string): Transform {
  const fileKey = randomBytes(32);
  const wrapNonce = randomBytes(NONCE);
  const wrap = createCipheriv('aes-256-gcm', keyBytes(hexKey), wrapNonce);
  wrap.setAAD(MAGIC);
  const wrapped = Buffer.concat([wrap.update(fileKey), wrap.final()]);
  const header = Buffer.concat([MAGIC, wrapNonce, wrapped, wrap.getAuthTag()]);
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let headerSent = false;

  const seal = (plain: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', fileKey, chunkNonce(index++, final));
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const frame = Buffer.alloc(FRAME);
    frame[0] = final ? 1 : 0;
    frame.writeUInt32BE(body.length, 1);
    return Buffer.concat([frame, body, cipher.getAuthTag()]);
  };

  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      if (!headerSent) {
        this.push(header);
        headerSent = true;
      }
      pending.push(data);
      pendingBytes += data.length;
      // Keep up to one chunk back: the last chunk must be sealed as final, known only at the end.
      if (pendingBytes > CHUNK_SIZE) {
        let all = Buffer.concat(pending);
        while (all.length > CHUNK_SIZE) {
          this.push(seal(all.subarray(0, CHUNK_SIZE), false));
          all = all.subarray(CHUNK_SIZE);
        }
        pending = [Buffer.from(all)];
        pendingBytes = all.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (!headerSent) this.push(header);
      this.push(seal(Buffer.concat(pending), true));
      pending = [];
      done();
    },
  });
}

/**
 * Decrypts a stream written by encryptStream. Fails (stream error, BackupCipherError) on a wrong
 * key, any altered byte, a missing final chunk or bytes after it. Each chunk is released only
 * after its tag is checked; a consumer that must not see any byte of a damaged file reads the
 * whole stream once first (see verifyEncryptedFile).
 */
export function decryptStream(hexKey: string): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let header: Buffer | null = null;
  let fileKey: Buffer | null = null;
  let index = 0;
  let finished = false;

  const open = (): void => {
    const h = buffered.subarray(0, HEADER);
    if (!h.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupCipherError('not a Seahorse backup file (bad header)', 'NOT_A_BACKUP');
    const wrapNonce = h.subarray(MAGIC.length, MAGIC.length + NONCE);
    const wrapped = h.subarray(MAGIC.length + NONCE, MAGIC.length + NONCE + 32);
    const tag = h.subarray(HEADER - TAG, HEADER);
    try {
      const unwrap = createDecipheriv('aes-256-gcm', keyBytes(hexKey), wrapNonce);
      unwrap.setAAD(MAGIC);
      unwrap.setAuthTag(tag);
      fileKey = Buffer.concat([unwrap.update(wrapped), unwrap.final()]);
    } catch {
      throw new BackupCipherError('the file key cannot be unwrapped: wrong BACKUP_KEY or altered header', 'WRONG_KEY');
    }
    header = Buffer.from(h);
    buffered = buffered.subarray(HEADER);
  };

  const next = (): Buffer | null => {
    if (buffered.length < FRAME) return null;
    const flag = buffered[0]!;
    const length = buffered.readUInt32BE(1);
    if (flag > 1 || length > CHUNK_SIZE) throw new BackupCipherError(`chunk ${index} has a damaged frame`, 'TAMPERED');
    if (buffered.length < FRAME + length + TAG) return null;
    const body = buffered.subarray(FRAME, FRAME + length);
    const tag = buffered.subarray(FRAME + length, FRAME + length + TAG);
    const final = flag === 1;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', fileKey!, chunkNonce(index, final));
      decipher.setAAD(header!);
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new BackupCipherError(`chunk ${index} fails authentication: the file was altered`, 'TAMPERED');
    }
    index++;
    buffered = buffered.subarray(FRAME + length + TAG);
    if (final) finished = true;
    return plain;
  };

  return new Transform({
    transform(data: Buffer, _enc, done: TransformCallback) {
      try {
        if (finished) throw new BackupCipherError('bytes after the final chunk', 'TAMPERED');
        buffered = buffered.length ? Buffer.concat([buffered, data]) : data;
        if (!header) {
          if (buffered.length < HEADER) return done();
          open();
        }
        for (let plain = next(); plain; plain = finished ? null : next()) if (plain.length) this.push(plain);
        if (finished && buffered.length > 0) throw new BackupCipherError('bytes after the final chunk', 'TAMPERED');
        // Copy what remains so the consumed input can be freed.
        buffered = Buffer.from(buffered);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      if (!header) return done(new BackupCipherError('the file is shorter than its header', 'TRUNCATED'));
      if (!finished) return done(new BackupCipherError(`the file ends after chunk ${index - 1} without its final chunk: truncated`, 'TRUNCATED'));
      done();
    },
  });
}
