/** China has one time zone, UTC+8, and no daylight saving: its wall clock is a fixed shift of UTC. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

/** `at` on China's wall clock, ISO style without zone: "2026-11-25T14:03:07". */
export function chinaWallClock(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19);
}
