import bcrypt from 'bcryptjs';
import { config } from '../../config.js';
import { badRequest } from '../../errors.js';
import { getSetting } from '../systemConfig/systemConfig.js';

export async function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, config().BCRYPT_ROUNDS);
}

export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  return bcrypt.compare(plain, hash);
}

// A fixed hash to compare against when the user does not exist, so timing does not reveal usernames.
let decoyHash: string | undefined;
export async function verifyAgainstDecoy(plain: string): Promise<false> {
  decoyHash ??= await bcrypt.hash('decoy-password-never-matches', config().BCRYPT_ROUNDS);
  await bcrypt.compare(plain, decoyHash);
  return false;
}

/** The password policy from system config; throws a 400 that names what is missing. */
export async function assertPasswordPolicy(plain: unknown): Promise<string> {
  if (typeof plain !== 'string') throw badRequest('请输入密码', 'PASSWORD_REQUIRED', 2001);
  const min = await getSetting('security.password_min_length');
  const problems: string[] = [];
  if (plain.length < min) problems.push(`至少 ${min} 个字符`);
  if (plain.length > 128) problems.push('不超过 128 个字符');
  if ((await getSetting('security.password_require_letters')) && !/[A-Za-z]/.test(plain)) problems.push('包含字母');
  if ((await getSetting('security.password_require_digits')) && !/\d/.test(plain)) problems.push('包含数字');
  if (problems.length) throw badRequest(`密码不符合要求：需${problems.join('、')}`, 'PASSWORD_POLICY', 2002);
  return plain;
}
