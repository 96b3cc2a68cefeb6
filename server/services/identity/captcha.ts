import { randomUUID } from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import { redis, redisKey } from '../../redis.js';

const CAPTCHA_TTL_SECONDS = 300;
const ID_SHAPE = /^[0-9a-f-]{36}$/;

export const captchaKey = (id: string): string => redisKey('captcha', id);

/** A new image captcha; its answer lives only in Redis (shared by every web process) for five minutes. */
export async function createCaptcha(): Promise<{ id: string; svg: string }> {
  const { text, data } = svgCaptcha.create({ size: 4, noise: 2, ignoreChars: '0oO1lIi', background: '#f6f7fb', width: 120, height: 44 });
  const id = randomUUID();
  await redis().set(captchaKey(id), text.toLowerCase(), 'EX', CAPTCHA_TTL_SECONDS);
  return { id, svg: data };
}

/** True when `answer` matches; the captcha is deleted by the same command, so it works once either way. */
export async function checkCaptcha(id: unknown, answer: unknown): Promise<boolean> {
  if (typeof id !== 'string' || !ID_SHAPE.test(id) || typeof answer !== 'string' || !answer.trim()) return false;
  const expected = await redis().getdel(captchaKey(id));
  return expected !== null && expected === answer.trim().toLowerCase();
}
