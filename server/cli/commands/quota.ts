import type { Command } from 'commander';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { reconcileQuota } from '../../services/quota/reconcileQuota.js';
import { action } from '../run.js';

export function registerQuotaCommands(program: Command): void {
  program
    .command('quota:reconcile')
    .description('replay every quota ledger against the stored balance and frozen amount; exits 1 on any mismatch')
    .option('--json', 'print the full result as JSON')
    .action(
      action(async (cfg, opts: { json?: boolean }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const result = await reconcileQuota();
        const clean = result.mismatches.length === 0 && result.internalMovesNet === '0.00';
        if (opts.json) console.log(JSON.stringify(result, null, 2));
        else {
          console.log(`Checked ${result.checkedAccounts} quota accounts: ${result.mismatches.length} mismatch(es).`);
          for (const m of result.mismatches) {
            console.log(
              `  user ${m.userId} ${m.username}: stored ${m.storedBalance}/${m.storedFrozen}, ledger sum ${m.ledgerBalance}/${m.ledgerFrozen}, ` +
                `last row ${m.lastBalanceAfter}/${m.lastFrozenAfter}${m.firstBrokenEntryId ? `, first broken ledger row ${m.firstBrokenEntryId}` : ''}`,
            );
          }
          if (result.internalMovesNet !== '0.00') console.log(`  internal moves do not net to zero: ${result.internalMovesNet}`);
          if (!clean) console.log('An alert was written to the system log and sent to the super admins.');
        }
        if (!clean) process.exitCode = 1;
      }),
    );
}
