import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Noto Sans SC from `@fontsource/noto-sans-sc` (an npm package, no system font assumed). The
 * package splits the glyphs over ~100 files by `unicode-range` (its 400.css); a text run must use
 * the file holding its characters, so text is cut into runs by file here. The WOFF (1) files are
 * used: pdfkit embeds the WOFF2 ones too, and pdftotext reads their text, but their glyphs come
 * out empty (the document shows no text at all).
 */
interface Face {
  file: string;
  ranges: Array<[number, number]>;
}

let faces: Face[] | undefined;

function loadFaces(): Face[] {
  if (faces) return faces;
  const require = createRequire(import.meta.url);
  const css = require.resolve('@fontsource/noto-sans-sc/400.css');
  const dir = path.dirname(css);
  const text = readFileSync(css, 'utf8');
  faces = [];
  for (const block of text.split('@font-face').slice(1)) {
    const file = /url\(\.\/(files\/[^)]+\.woff)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((r): [number, number] => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)];
    });
    faces.push({ file: path.join(dir, file), ranges });
  }
  return faces;
}

const cache = new Map<number, string | null>();

/** The WOFF2 file holding the glyph of `cp` (null: none; drawn with the file of the run around it). */
export function fontFileFor(cp: number): string | null {
  if (cache.has(cp)) return cache.get(cp)!;
  const face = loadFaces().find((f) => f.ranges.some(([a, b]) => cp >= a && cp <= b));
  cache.set(cp, face?.file ?? null);
  return face?.file ?? null;
}

/** `text` cut into runs each drawable with one font file. */
export function fontRuns(text: string): Array<{ file: string; text: string }> {
  const runs: Array<{ file: string; text: string }> = [];
  for (const ch of text) {
    const file = fontFileFor(ch.codePointAt(0)!) ?? runs.at(-1)?.file ?? fontFileFor(0x41)!;
    const last = runs.at(-1);
    if (last && last.file === file) last.text += ch;
    else runs.push({ file, text: ch });
  }
  return runs;
}
