/** China has one time zone, UTC+8, and no daylight saving: its wall clock is a fixed shift of UTC. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** `at` on China's wall clock, ISO style without zone: "2026-11-25T14:03:07". */
export function chinaWallClock(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19);
}

/** "Never expires": the last second of 2099 on China's clock. Points lots, card-key points and catalogue dates use it. */
export const NO_EXPIRY = new Date('2099-12-31T23:59:59+08:00');
