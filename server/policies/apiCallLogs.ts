import { allow, definePolicy, MINI_USER } from './policy.js';

/** api_call_logs: a mini-program user reads the calls made with their own keys. */
export const apiCallLogPolicy = definePolicy('api_call_logs', allow(MINI_USER, 'listOwn'));
