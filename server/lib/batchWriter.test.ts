import assert from 'node:assert/strict';
import { BatchWriter } from './batchWriter.js';

describe('BatchWriter', () => {
  it('writes buffered items as one batch per flush, in order, serialised', async () => {
    const batches: number[][] = [];
    let running = 0;
    const writer = new BatchWriter<number>({
      name: 'test',
      write: async (items) => {
        running += 1;
        assert.equal(running, 1, 'flushes never overlap');
        await new Promise((r) => setImmediate(r));
        batches.push(items);
        running -= 1;
      },
    });
    writer.push(1);
    writer.push(2);
    const first = writer.flush();
    writer.push(3);
    await Promise.all([first, writer.flush(), writer.flush()]);
    assert.deepEqual(batches, [[1, 2], [3]]);
  });

  it('flushes at once when the buffer is full, and a failed batch does not stop later ones', async () => {
    const batches: number[][] = [];
    const writer = new BatchWriter<number>({
      name: 'test',
      maxBuffer: 2,
      write: async (items) => {
        if (items.includes(1)) throw new Error('database down');
        batches.push(items);
      },
    });
    writer.push(1);
    writer.push(2);
    writer.push(3);
    await writer.flush();
    assert.deepEqual(batches, [[3]]);
  });
});
