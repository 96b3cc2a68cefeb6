/** The part of pdfkit 0.20 (which ships no types) that the stats PDF uses. */
declare module 'pdfkit' {
  import type { Writable } from 'node:stream';
  interface TextOptions {
    width?: number;
    align?: 'left' | 'right' | 'center';
    continued?: boolean;
    lineBreak?: boolean;
  }
  export default class PDFDocument {
    constructor(options?: { size?: string | [number, number]; layout?: 'portrait' | 'landscape'; margin?: number; info?: Record<string, string>; autoFirstPage?: boolean });
    page: { width: number; height: number; margins: { top: number; bottom: number; left: number; right: number } };
    x: number;
    y: number;
    pipe<T extends Writable>(destination: T): T;
    registerFont(name: string, src: string): this;
    font(name: string): this;
    fontSize(size: number): this;
    text(text: string, x?: number, y?: number, options?: TextOptions): this;
    text(text: string, options?: TextOptions): this;
    widthOfString(text: string): number;
    fillColor(color: string): this;
    strokeColor(color: string): this;
    lineWidth(w: number): this;
    rect(x: number, y: number, w: number, h: number): this;
    moveTo(x: number, y: number): this;
    lineTo(x: number, y: number): this;
    fill(color?: string): this;
    stroke(color?: string): this;
    addPage(options?: { size?: string; layout?: 'portrait' | 'landscape'; margin?: number }): this;
    end(): void;
  }
}
