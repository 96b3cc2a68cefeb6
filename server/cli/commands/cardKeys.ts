import path from 'node:path';
import type { Command } from 'commander';
import { Sequelize } from 'sequelize';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { badRequest } from '../../errors.js';
import { AdminUser, Project } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { writeCardKeyExport } from '../../services/cardKeys/exportCardKeys.js';
import { generateCardKeys } from '../../services/cardKeys/generateCardKeys.js';
import { action } from '../run.js';

async function userByName(username: string): Promise<AdminUser> {
  const user = await AdminUser.findOne({ where: Sequelize.where(Sequelize.fn('lower', Sequelize.col('username')), username.toLowerCase()) });
  if (!user) throw badRequest(`用户 ${username} 不存在`, 'USER_NOT_FOUND', 2404);
  return user;
}

const toActor = (u: AdminUser): Actor => ({ id: u.id, role: u.role as Actor['role'], parentId: u.parentId });

export function registerCardKeyCommands(program: Command): void {
  program
    .command('card-keys:generate')
    .description("generate a batch of card keys, paid from the agent's quota (same rules as the admin)")
    .requiredOption('--agent <username>', 'the agent whose quota pays and who owns the keys')
    .requiredOption('--project <name>', 'the project')
    .requiredOption('--validity <label>', "a validity label from the project's price list, e.g. 30天")
    .requiredOption('--count <n>', 'how many keys')
    .option('--as <username>', 'act as this admin user (default: the agent)')
    .option('--memo <text>', 'a note on the batch')
    .option('--out <file>', 'also write the keys to this CSV file')
    .action(
      action(async (cfg, opts: { agent: string; project: string; validity: string; count: string; as?: string; memo?: string; out?: string }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const agent = await userByName(opts.agent);
        const actor = toActor(opts.as ? await userByName(opts.as) : agent);
        const project = await Project.findOne({ where: Sequelize.where(Sequelize.fn('lower', Sequelize.col('name')), opts.project.toLowerCase()) });
        if (!project) throw badRequest(`项目 ${opts.project} 不存在`, 'PROJECT_NOT_FOUND', 3404);
        const started = Date.now();
        const { batch } = await generateCardKeys({
          actor,
          agentId: agent.id,
          projectId: project.id,
          validityLabel: opts.validity,
          count: opts.count,
          memo: opts.memo ?? 'CLI',
          synchronous: true,
        });
        console.log(
          `Batch #${batch.id}: ${batch.count} keys of "${project.name}" (${batch.validityLabel}) for ${agent.username}, cost ${batch.totalCost}, in ${Date.now() - started} ms.`,
        );
        if (opts.out) {
          const file = path.resolve(opts.out);
          const rows = await writeCardKeyExport(actor, { batchId: batch.id }, 'csv', file);
          console.log(`Wrote ${rows} keys to ${file}`);
        }
      }),
    );
}
