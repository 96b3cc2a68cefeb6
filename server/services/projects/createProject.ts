import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { authorize } from '../../policies/index.js';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { AppError, badRequest, conflict, forbidden, zodIssues } from '../../errors.js';
import { say } from '../../i18n.js';
import { checkTarget, TargetRefused } from '../../lib/outboundTarget.js';
import { sealSecret } from '../../lib/secretBox.js';
import { Project, ProjectPrice } from '../../models/index.js';
import { isSuperAdmin, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { parseAmount } from '../quota/amount.js';

export interface PriceInput {
  label: string;
  /** null = permanent. */
  durationDays: number | null;
  unitPrice: string | number;
}

export interface CreateProjectProps {
  name: string;
  description?: string | null;
  version?: string | null;
  kind?: 'software' | 'points';
  pointsPerKey?: number | null;
  callbackUrl?: string | null;
  prices: PriceInput[];
  maxUnbinds?: number;
  unbindCooldownMinutes?: number;
  shareIpThreshold?: number;
  /** Given only by seeders/tests that need stable credentials; otherwise generated from a CSPRNG. */
  appKey?: string;
  appSecret?: string;
  ip?: string | null;
}

export const callbackUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .url('回调地址必须是合法的 URL')
  .refine((u) => /^https?:\/\//i.test(u), '回调地址必须以 http:// 或 https:// 开头');

/**
 * The second half of a callback URL's check, which needs DNS: no internal address (SSRF), https in
 * production. `''`/null (no callback) passes.
 */
export async function assertCallbackTarget(url: string | null | undefined): Promise<void> {
  if (!url) return;
  try {
    await checkTarget(new URL(url));
  } catch (err) {
    if (!(err instanceof TargetRefused)) throw err;
    const message =
      err.reason === 'HTTPS_REQUIRED'
        ? say('回调地址必须使用 https://', 'The callback URL must use https://')
        : say('回调地址不能指向本机或内网地址', 'The callback URL may not point at this machine or an internal network');
    throw badRequest(message, 'CALLBACK_URL_REFUSED', 3031);
  }
}

export const priceSchema = z.object({
  label: z.string().trim().min(1, '有效期名称不能为空').max(32, '有效期名称最多 32 个字符'),
  durationDays: z.number().int().min(1, '有效天数必须大于 0').max(36500).nullable(),
  unitPrice: z.union([z.string(), z.number()]),
});

const projectSchema = z.object({
  name: z.string().trim().min(1, '项目名称不能为空').max(64, '项目名称最多 64 个字符'),
  description: z.string().trim().max(5000).nullish(),
  version: z.string().trim().max(32, '版本号最多 32 个字符').nullish(),
  kind: z.enum(['software', 'points']).default('software'),
  pointsPerKey: z.number().int().min(1).max(100_000_000).nullish(),
  callbackUrl: callbackUrlSchema.nullish().or(z.literal('')),
  prices: z.array(priceSchema).min(1, '至少需要一个价格（有效期）').max(20),
  maxUnbinds: z.number().int().min(0).max(1000).default(3),
  unbindCooldownMinutes: z.number().int().min(0).max(525_600).default(0),
  shareIpThreshold: z.number().int().min(1).max(10_000).default(5),
  appKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'app_key 为 8-64 位字母、数字、_ 或 -').optional(),
  appSecret: z.string().min(16).max(256).optional(),
});

export function validationError(err: z.ZodError): AppError {
  return badRequest(zodIssues(err), 'VALIDATION_FAILED', 3001);
}

/** Normalises a price list: amounts exact, labels unique. */
export function parsePrices(prices: Array<z.infer<typeof priceSchema>>): Array<{ label: string; durationDays: number | null; unitPrice: string; sort: number }> {
  const seen = new Set<string>();
  return prices.map((p, sort) => {
    if (seen.has(p.label)) throw badRequest(`有效期名称重复：${p.label}`, 'DUPLICATE_PRICE_LABEL', 3002);
    seen.add(p.label);
    return { label: p.label, durationDays: p.durationDays, unitPrice: parseAmount(p.unitPrice, { label: '单价', max: '1000000' }), sort };
  });
}

export const newAppKey = () => `ak_${randomBytes(12).toString('hex')}`;
export const newAppSecret = () => randomBytes(32).toString('base64url');

/** A fresh Ed25519 pair for signing verification answers: public key as SPKI PEM, private key sealed. */
export function newSigningKeyPair(): { publicKeyPem: string; privateKeySealed: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeySealed: sealSecret(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
  };
}

/** `actor` null = the system (seeders, CLI); an admin must be allowed `verb` by the projects policy. */
export function assertProjectAdmin(actor: Actor | null, verb = 'update'): void {
  if (actor) authorize(actor, verb, 'projects');
}

/**
 * Creates a project with its price list, fresh app credentials and response-signing key pair.
 * `actor` null = the system (seeders, CLI). The plain app secret is returned once and never again.
 */
export async function createProject(
  props: CreateProjectProps,
  actor: Actor | null,
  transaction?: Transaction,
): Promise<{ project: Project; appSecret: string }> {
  assertProjectAdmin(actor, 'createProject');
  const parsed = projectSchema.safeParse(props);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  await assertCallbackTarget(input.callbackUrl);
  if (input.kind === 'points' && !input.pointsPerKey) throw badRequest('积分项目必须设置每张卡密的积分', 'POINTS_PER_KEY_REQUIRED', 3003);
  const prices = parsePrices(input.prices);
  const appKey = input.appKey ?? newAppKey();
  const appSecret = input.appSecret ?? newAppSecret();
  const signing = newSigningKeyPair();

  const work = async (t: Transaction) => {
    const project = await Project.create(
      {
        name: input.name,
        description: input.description ?? null,
        version: input.version ?? null,
        status: 'active',
        kind: input.kind,
        pointsPerKey: input.kind === 'points' ? input.pointsPerKey : null,
        appKey,
        appSecretEnc: sealSecret(appSecret),
        signPublicKey: signing.publicKeyPem,
        signPrivateKeyEnc: signing.privateKeySealed,
        callbackUrl: input.callbackUrl || null,
        maxUnbinds: input.maxUnbinds,
        unbindCooldownMinutes: input.unbindCooldownMinutes,
        shareIpThreshold: input.shareIpThreshold,
      },
      { transaction: t },
    );
    await ProjectPrice.bulkCreate(
      prices.map((p) => ({ ...p, projectId: project.id })),
      { transaction: t },
    );
    await recordOperation(
      {
        actor,
        ownerId: actor?.id ?? null,
        action: 'create',
        resource: 'projects',
        recordId: project.id,
        after: { name: project.name, appKey, kind: project.kind, callbackUrl: project.callbackUrl, prices },
        ip: props.ip,
      },
      t,
    );
    return project;
  };
  try {
    const project = await (transaction ? work(transaction) : inTransaction(work));
    return { project, appSecret };
  } catch (err) {
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') throw conflict('项目名称或 app_key 已存在', 'PROJECT_EXISTS', 3009);
    throw err;
  }
}
