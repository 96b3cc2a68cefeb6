/**
 * The waits of the pages (payment polling backoff, the success countdown, button locks). `scale`
 * is 1 in the app; the page tests compress time with it, as the WeChat simulator does.
 */
export const clock = {
  scale: 1,
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms * clock.scale));
  },
  every(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, ms * clock.scale);
    return () => clearInterval(timer);
  },
  later(ms: number, run: () => void): () => void {
    const timer = setTimeout(run, ms * clock.scale);
    return () => clearTimeout(timer);
  },
};
