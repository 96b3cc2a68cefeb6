import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { config } from '../../config.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { Backup } from '../../models/index.js';
import { createBackup, createBackupInput } from '../../services/backups/createBackup.js';
import { parseInput } from '../../services/backups/backupFiles.js';
import { applyRetention } from '../../services/backups/retention.js';
import { databaseName } from '../../services/backups/pgTools.js';
import { restoreBackup, restoreBackupInput, type RestoreReport } from '../../services/backups/restoreBackup.js';
import { authorizeRestore, recordRestore } from '../../services/backups/restoreRequests.js';
import { archiveLogs, readArchive } from '../../services/backups/logArchive.js';
import { action } from '../run.js';

async function typed(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    process.stderr.write(question);
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}

export function printRestoreReport(report: RestoreReport): void {
  const q = report.quota;
  console.log(`Restored backup #${report.backupId} into database ${report.targetDatabase} (${report.tables} tables).`);
  console.log(`Quota reconciliation: ${q.checkedAccounts} accounts, ${q.mismatches.length} mismatch(es), internal moves net ${q.internalMovesNet}.`);
  for (const m of q.mismatches) console.log(`  user ${m.userId} ${m.username}: stored ${m.storedBalance}/${m.storedFrozen}, ledger ${m.ledgerBalance}/${m.ledgerFrozen}`);
  console.log(`Points invariant: ${report.pointsDrift.length} user(s) drift.`);
  for (const d of report.pointsDrift) console.log(`  mini user ${d.userId}: total ${d.total}, lots ${d.lots}, ledger ${d.ledger}`);
  console.log(report.consistent ? 'The restored books balance.' : 'WARNING: the restored books do not balance (see above).');
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup:create')
    .description('take an encrypted, verified pg_dump backup now (kind manual unless --kind); prints its id and checksum')
    .option('--kind <kind>', 'daily | weekly | monthly | manual', 'manual')
    .option('--retention', 'apply the retention rules afterwards (as the scheduled job does)')
    .action(
      action(async (cfg, opts: { kind: string; retention?: boolean }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const input = parseInput(createBackupInput, { kind: opts.kind });
        const backup = await createBackup(input);
        if (backup.status !== 'verified') {
          console.error(`Backup #${backup.id} failed: ${backup.error}`);
          process.exitCode = 1;
          return;
        }
        console.log(`Backup #${backup.id} ${backup.kind} verified: ${backup.fileName}, ${backup.sizeBytes} bytes, sha256 ${backup.sha256}, ${backup.tableCount} tables.`);
        if (opts.retention) {
          const r = await applyRetention();
          console.log(`Retention: removed ${r.removed.length} backup(s)${r.removed.length ? ` (#${r.removed.join(', #')})` : ''}.`);
        }
      }),
    );

  program
    .command('backup:list')
    .description('list backups (newest first)')
    .action(
      action(async (cfg) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        for (const b of await Backup.findAll({ order: [['id', 'DESC']], limit: 100 })) {
          console.log([b.id, b.kind, b.status, b.sizeBytes ?? '-', b.sha256 ?? '-', b.createdAt.toISOString(), b.fileName].join('\t'));
        }
      }),
    );

  program
    .command('backup:restore <id>')
    .description('restore a verified backup into a new database (checksum and decryption checked before anything is written)')
    .requiredOption('--target-database <name>', 'the database to create and restore into')
    .option('--replace', 'drop and recreate the target database if it exists and is not empty')
    .option('--in-place', 'restore over the live database (stop web and worker first; asks you to type its name)')
    .option('--request <id>', 'an approved restore request (needed when there are several super admins)')
    .option('--yes', 'confirm the restore')
    .action(
      action(async (cfg, id: string, opts: { targetDatabase: string; replace?: boolean; inPlace?: boolean; request?: string; yes?: boolean }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const input = parseInput(restoreBackupInput, {
          backupId: Number(id),
          targetDatabase: opts.targetDatabase,
          replace: Boolean(opts.replace),
          inPlace: Boolean(opts.inPlace),
        });
        let confirmed = Boolean(opts.yes);
        if (input.inPlace) {
          const live = databaseName(config().DATABASE_URL);
          const answer = await typed(`This replaces the live database ${live} with backup #${input.backupId}. Type its name to confirm: `);
          if (answer !== live) throw badRequest(say('输入的数据库名不符，已取消', 'the typed name does not match; cancelled'), 'RESTORE_NOT_CONFIRMED');
          confirmed = true; // the typed name is the confirmation
        }
        const request = await authorizeRestore({
          backupId: input.backupId,
          targetDatabase: input.targetDatabase,
          inPlace: input.inPlace,
          requestId: opts.request === undefined ? undefined : Number(opts.request),
          confirmed,
        });
        const report = await restoreBackup(input);
        printRestoreReport(report);
        await recordRestore(report, request, process.env.USER ?? 'cli');
        if (!report.consistent) process.exitCode = 1;
      }),
    );

  program
    .command('logs:archive')
    .description('archive log rows older than the retention (setting basic.log_retention_days) by month into encrypted JSONL files, then delete them')
    .action(
      action(async (cfg) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const result = await archiveLogs();
        for (const a of result.archives) console.log(`${a.tableName} ${a.month}: ${a.rowCount} rows → ${a.fileName}`);
        console.log(`Archived ${result.archives.reduce((s, a) => s + a.rowCount, 0)} rows in ${result.archives.length} file(s).`);
      }),
    );

  program
    .command('logs:archive-read <file>')
    .description('print a log archive (a file name in BACKUP_DIR/log-archives, or a path) as JSON lines')
    .action(
      action(async (_cfg, file: string) => {
        await readArchive(file, process.stdout);
      }),
    );
}
