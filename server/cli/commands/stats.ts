import type { Command } from 'commander';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { rollupRange, rollupRangeSchema } from '../../services/stats/rollup.js';
import { action } from '../run.js';

export function registerStatsCommands(program: Command): void {
  program
    .command('stats:rollup')
    .description('recompute the daily stats rollups for a range of China business days (UTC+8); without options, what the schedule does now')
    .option('--from <day>', 'first day, YYYY-MM-DD')
    .option('--to <day>', 'last day, YYYY-MM-DD (default: --from)')
    .action(
      action(async (cfg, opts: { from?: string; to?: string }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const range = rollupRangeSchema.parse({ from: opts.from, to: opts.to });
        const started = Date.now();
        const done = await rollupRange(range, (r, i, total) => {
          const rows = Object.entries(r.rows).map(([t, n]) => `${t.replace(/^daily_|_stats$/g, '')} ${n}`).join(', ');
          console.log(`[${i}/${total}] ${r.day}: ${rows} (${r.ms} ms)`);
        });
        console.log(`Rolled up ${done.length} day(s) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      }),
    );
}
