import { type Command, Option } from 'commander';
import { Sequelize } from 'sequelize';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { badRequest } from '../../errors.js';
import { AdminUser } from '../../models/index.js';
import { generatePassword } from '../../services/bootstrap/generatePassword.js';
import { resetAdminPassword } from '../../services/identity/resetAdminPassword.js';
import { createAdminUser, ROLES, type Role } from '../../services/identity/createAdminUser.js';
import { action } from '../run.js';

export function registerUserCommands(program: Command): void {
  program
    .command('user:create')
    .description('create an admin user (super_admin, agent_admin or agent)')
    .requiredOption('--username <username>', '3-32 letters, digits or _')
    .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
    .option('--password <password>', 'initial password (generated and printed once when omitted)')
    .option('--email <email>', 'email address')
    .option('--parent <username>', 'the agent admin an agent belongs to (agents only)')
    .action(
      action(async (cfg, opts: { username: string; role: Role; password?: string; email?: string; parent?: string }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        let parentId: number | null = null;
        if (opts.parent) {
          const parent = await AdminUser.findOne({
            where: Sequelize.where(Sequelize.fn('lower', Sequelize.col('username')), opts.parent.toLowerCase()),
          });
          if (!parent) throw badRequest(`上级用户 ${opts.parent} 不存在`, 'INVALID_PARENT', 2006);
          parentId = parent.id;
        }
        const generated = opts.password ? undefined : generatePassword();
        const user = await createAdminUser({
          username: opts.username,
          password: opts.password ?? generated!,
          role: opts.role,
          email: opts.email ?? null,
          parentId,
          mustChangePassword: Boolean(generated),
        });
        console.log(`Created ${user.role} "${user.username}" (id ${user.id}).`);
        if (generated) console.log(`Password (shown only now; must be changed at first login): ${generated}`);
      }),
    );

  program
    .command('user:reset-password')
    .description('set a new password (generated and printed once when omitted) and clear a lockout')
    .requiredOption('--username <username>', 'the user')
    .option('--password <password>', 'the new password')
    .action(
      action(async (cfg, opts: { username: string; password?: string }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const result = await resetAdminPassword(opts);
        console.log(`Password of "${result.username}" reset.`);
        if (result.generatedPassword) {
          console.log(`New password (shown only now; must be changed at next login): ${result.generatedPassword}`);
        }
      }),
    );
}
