import { AdminUser } from '../../models/index.js';
import { inTransaction } from '../../db/index.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { generatePassword } from './generatePassword.js';

export interface FirstSuperAdminResult {
  created: boolean;
  username: string;
  /** Only when the password was generated: shown to the operator once, stored nowhere in clear. */
  generatedPassword?: string;
}

// Any constant works; it only serialises concurrent first start-ups of several processes.
const BOOTSTRAP_LOCK = 0x5ea_0001;

/**
 * A real deployment needs exactly one thing before anyone can log in: a super admin. Creates it
 * when none exists, from ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_EMAIL, or with a generated
 * password (which must then be changed at first login).
 */
export async function ensureFirstSuperAdmin(env: {
  username: string;
  password?: string;
  email?: string;
}): Promise<FirstSuperAdminResult> {
  return inTransaction(async (t) => {
    await AdminUser.sequelize!.query('SELECT pg_advisory_xact_lock(:key)', { replacements: { key: BOOTSTRAP_LOCK }, transaction: t });
    const existing = await AdminUser.findOne({ where: { role: 'super_admin' }, order: [['id', 'ASC']], transaction: t });
    if (existing) return { created: false, username: existing.username };
    const generatedPassword = env.password ? undefined : generatePassword();
    const user = await createAdminUser(
      {
        username: env.username,
        password: env.password ?? generatedPassword!,
        role: 'super_admin',
        email: env.email ?? null,
        emailVerified: Boolean(env.email),
        mustChangePassword: Boolean(generatedPassword),
      },
      t,
    );
    return { created: true, username: user.username, generatedPassword };
  });
}
