import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupCipherError, CHUNK_SIZE, decryptStream, encryptStream } from './cipher.js';

const KEY = 'a1'.repeat(32);
const HEADER = 8 + 12 + 32 + 16;
const FRAME = 5;
const TAG = 16;

/** Feeds `data` in irregular pieces, as a pipe would. */
function pieces(data: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let i = 0, step = 1; i < data.length; i += step, step = (step * 7 + 13) % 90_001 || 1) parts.push(data.subarray(i, i + step));
  return Readable.from(parts);
}

async function run(input: Buffer, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(pieces(input), transform, new Writable({ write(c, _e, cb) { out.push(c); cb(); } }));
  return Buffer.concat(out);
}

const encrypt = (plain: Buffer, key = KEY) => run(plain, encryptStream(key));
const decrypt = (sealed: Buffer, key = KEY) => run(sealed, decryptStream(key));

async function refused(sealed: Buffer, reason: BackupCipherError['reason'], key = KEY): Promise<void> {
  await assert.rejects(decrypt(sealed, key), (err: unknown) => err instanceof BackupCipherError && err.reason === reason);
}

/** Offsets of each chunk frame in a sealed file. */
function frames(sealed: Buffer): Array<{ at: number; end: number; final: boolean }> {
  const list = [];
  for (let at = HEADER; at < sealed.length; ) {
    const end = at + FRAME + sealed.readUInt32BE(at + 1) + TAG;
    list.push({ at, end, final: sealed[at] === 1 });
    at = end;
  }
  return list;
}

describe('backup cipher (streaming AES-256-GCM)', () => {
  it('round-trips empty, tiny, chunk-sized and multi-chunk inputs, with a random file key each time', async () => {
    for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17]) {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain);
      assert.deepEqual(await decrypt(sealed), plain, `size ${size}`);
      const again = await encrypt(plain);
      assert.notDeepEqual(again, sealed, 'a new file key and wrap nonce per file');
      const chunks = frames(sealed);
      assert.equal(chunks.filter((c) => c.final).length, 1);
      assert.equal(chunks.at(-1)!.final, true);
      assert.equal(chunks.length, Math.max(1, Math.ceil(size / CHUNK_SIZE)));
      if (size >= 32) assert.ok(!sealed.includes(plain.subarray(0, 32)), 'no plaintext in the output');
    }
  });

  it('refuses another key', async () => {
    await refused(await encrypt(randomBytes(1000)), 'WRONG_KEY', 'b2'.repeat(32));
  });

  it('refuses a file with any single byte flipped: header, frame, ciphertext or tag', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK_SIZE + 100));
    const [first, second] = frames(sealed);
    const spots = [0, 10, 30, HEADER - 1, first!.at, first!.at + 2, first!.at + FRAME + 5, first!.end - 1, second!.at + FRAME, sealed.length - 1];
    for (const at of spots) {
      const bad = Buffer.from(sealed);
      bad[at] = bad[at]! ^ 0x01;
      await assert.rejects(decrypt(bad), BackupCipherError, `flipped byte ${at}`);
    }
  });

  it('detects truncation: a missing final chunk, a cut chunk, a cut header', async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK_SIZE + 5));
    const chunks = frames(sealed);
    await refused(sealed.subarray(0, chunks.at(-1)!.at), 'TRUNCATED'); // cut exactly at a chunk boundary
    await refused(sealed.subarray(0, chunks[1]!.at), 'TRUNCATED');
    await refused(sealed.subarray(0, sealed.length - 3), 'TRUNCATED');
    await refused(sealed.subarray(0, 20), 'TRUNCATED');
    await refused(Buffer.alloc(0), 'TRUNCATED');
  });

  it('refuses reordered chunks, a flag flipped to final, a chunk from another file and bytes after the end', async () => {
    const plain = randomBytes(3 * CHUNK_SIZE + 5);
    const sealed = await encrypt(plain);
    const [a, b, c, d] = frames(sealed);
    const swapped = Buffer.concat([sealed.subarray(0, a!.at), sealed.subarray(b!.at, b!.end), sealed.subarray(a!.at, a!.end), sealed.subarray(c!.at)]);
    await refused(swapped, 'TAMPERED');
    const earlyFinal = Buffer.from(sealed.subarray(0, b!.end));
    earlyFinal[b!.at] = 1; // claim chunk 1 is the last one, dropping the rest
    await refused(earlyFinal, 'TAMPERED');
    const other = await encrypt(plain);
    const spliced = Buffer.concat([sealed.subarray(0, b!.at), other.subarray(b!.at, b!.end), sealed.subarray(b!.end)]);
    await refused(spliced, 'TAMPERED');
    await refused(Buffer.concat([sealed, sealed.subarray(d!.at, d!.end)]), 'TAMPERED');
    await refused(Buffer.concat([sealed, Buffer.from([0])]), 'TAMPERED');
  });

  it('streams: output keeps flowing before the input ends, one chunk behind at most', async () => {
    const enc = encryptStream(KEY);
    const seen: number[] = [];
    enc.on('data', (c: Buffer) => seen.push(c.length));
    const block = randomBytes(CHUNK_SIZE);
    for (let i = 0; i < 10; i++) enc.write(block);
    await new Promise((r) => setImmediate(r));
    const before = seen.reduce((s, n) => s + n, 0);
    assert.ok(before >= 9 * CHUNK_SIZE, `ciphertext for 9 of 10 chunks is out before the end (${before})`);
    enc.end();
    await new Promise((r) => enc.on('end', r));
    assert.ok(seen.length > 10);
  });
});
