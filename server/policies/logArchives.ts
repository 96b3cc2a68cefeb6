import { allow, definePolicy, SYSTEM } from './policy.js';

/** log_archives: the operator archives old log rows and reads an archive back (`seahorse logs:archive`, `logs:archive-read`). */
export const logArchivePolicy = definePolicy('log_archives', allow(SYSTEM, ['archive', 'read']));
