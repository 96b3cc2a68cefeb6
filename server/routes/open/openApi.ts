import { z } from 'zod';
import { DENY_REASONS, chargeInput } from '../../services/metering/meter.js';
import { jsonSchema, parametersOf } from '../api/routeSpec.js';

/**
 * OpenAPI 3.0 for `/open`. The /api route table does not fit here (signed raw bodies,
 * no envelope on the card-key routes), so the paths are written out, with every schema converted
 * from zod by the same helpers the /api document uses. The protocol itself is docs/card-key-api.md.
 */

const VERIFY_REASONS = ['OK', 'NOT_FOUND', 'DEVICE_MISMATCH', 'EXPIRED', 'DISABLED', 'REVOKED', 'REDEEMED', 'PROJECT_DISABLED'] as const;
const SIGNING_REASONS = ['MISSING_SIGNATURE', 'UNKNOWN_APP_KEY', 'INVALID_NONCE', 'TIMESTAMP_OUT_OF_WINDOW', 'BAD_SIGNATURE', 'NONCE_REUSED'] as const;
const serverTime = z.number().int().describe('服务器时间（Unix 毫秒）');
const iso = z.string().nullable().describe('ISO 8601 时间');

const verifyBody = z.object({
  card_key: z.string().max(64).describe('卡密，不区分大小写，横线和空格可省略'),
  device_id: z.string().min(1).max(128).describe('稳定的设备标识；首次验证即绑定此设备'),
  device_info: z.record(z.string(), z.unknown()).optional().describe('可选，≤ 2KB 的 JSON 对象，供售后排查'),
});
const verifyAnswer = z.object({
  valid: z.boolean(),
  reason: z.enum(VERIFY_REASONS).describe('OK 可用；NOT_FOUND 本项目无此卡密；DEVICE_MISMATCH 已绑定其他设备；EXPIRED 已过期；DISABLED 已禁用；REVOKED 已作废；REDEEMED 积分卡已兑换；PROJECT_DISABLED 项目已停用'),
  message: z.string(),
  card_key: z.string(),
  status: z.string().nullable(),
  activated: z.boolean().describe('本次调用是否完成了激活（绑定）'),
  activated_at: iso,
  expires_at: iso,
  permanent: z.boolean().nullable(),
  remaining_seconds: z.number().int().nullable().describe('永久卡为 null；无效时为 0'),
  server_time: serverTime,
});
const codeParams = z.object({ code: z.string().max(64).describe('卡密') });
const queryAnswer = z.object({
  found: z.literal(true),
  reason: z.literal('OK'),
  card_key: z.string(),
  status: z.string(),
  bound: z.boolean(),
  device_id: z.string().nullable(),
  duration_days: z.number().int().nullable(),
  permanent: z.boolean(),
  activated_at: iso,
  bound_at: iso,
  expires_at: iso,
  remaining_seconds: z.number().int().nullable(),
  unbind_count: z.number().int(),
  created_at: iso,
  server_time: serverTime,
});
const notFound = z.object({ found: z.literal(false), reason: z.literal('NOT_FOUND'), message: z.string(), card_key: z.string(), server_time: serverTime });
const refusal = (reasons: readonly [string, ...string[]]) =>
  z.object({ valid: z.literal(false), reason: z.enum(reasons), message: z.string(), server_time: serverTime });

const envelope = (data: z.ZodType) => z.object({ success: z.literal(true), code: z.literal(0), message: z.string(), data });
const chargeAnswer = z.union([
  z.object({
    decision: z.literal('allow'),
    chargedPoints: z.number().int(),
    remainingPoints: z.number().int(),
    recordId: z.string().describe('消费记录 ID'),
    replayed: z.boolean().describe('同一 requestId 的重试：不重复扣费'),
  }),
  z.object({
    decision: z.literal('deny'),
    reason: z.enum(Object.keys(DENY_REASONS) as [keyof typeof DENY_REASONS, ...Array<keyof typeof DENY_REASONS>]).describe(
      Object.entries(DENY_REASONS).map(([k, v]) => `${k} ${v}`).join('；'),
    ),
    message: z.string(),
    remainingPoints: z.number().int().optional(),
  }),
]);
const errorEnvelope = z.object({ success: z.literal(false), code: z.number().int(), reason: z.string(), message: z.string() });

const json = (schema: z.ZodType) => ({ 'application/json': { schema: jsonSchema(schema) } });
const signedHeaders = {
  'X-Nonce': { description: '回显请求的 X-Nonce', schema: { type: 'string' } },
  'X-Sign-Algorithm': { description: '固定为 Ed25519', schema: { type: 'string', enum: ['Ed25519'] } },
  'X-Response-Signature': {
    description: 'base64 Ed25519 签名，覆盖字节 NONCE + "\\n" + 原始响应体；用项目公钥校验，未通过即视为未验证',
    schema: { type: 'string' },
  },
};
const signed = (description: string, schema: z.ZodType) => ({ description, headers: signedHeaders, content: json(schema) });
const signingResponses = {
  '401': {
    description: '签名校验失败（不签名）：MISSING_SIGNATURE 缺少签名头；UNKNOWN_APP_KEY；INVALID_NONCE；TIMESTAMP_OUT_OF_WINDOW 与服务器时间相差超过 5 分钟；BAD_SIGNATURE；NONCE_REUSED 重放',
    content: json(refusal(SIGNING_REASONS)),
  },
  '429': {
    description: 'RATE_LIMITED：按 IP / app key 每分钟限流，超限后暂时封禁（不签名）',
    headers: { 'Retry-After': { description: '封禁剩余秒数', schema: { type: 'integer' } } },
    content: json(refusal(['RATE_LIMITED'])),
  },
};
const signingParameters = [
  { name: 'X-Timestamp', in: 'header', required: true, description: '当前时间，Unix 毫秒；与服务器相差不得超过 5 分钟', schema: { type: 'string', pattern: '^\\d{1,15}$' } },
  { name: 'X-Nonce', in: 'header', required: true, description: '8-64 位 [A-Za-z0-9_-]，随机且不可重复（10 分钟内）', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' } },
  {
    name: 'X-Signature',
    in: 'header',
    required: true,
    description: '小写 hex HMAC-SHA256(app_secret, METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(BODY))；PATH 含查询串，BODY 为原始字节（GET 为空）',
    schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
];

let cached: Record<string, unknown> | undefined;
export function openApiDocumentForOpen(): Record<string, unknown> {
  cached ??= {
    openapi: '3.0.3',
    info: {
      title: 'Seahorse 开放接口',
      version: '1.0.0',
      description:
        '卡密验证 / 查询（HMAC-SHA256 请求签名 + Ed25519 响应签名，详见 docs/card-key-api.md）与 API 计费（HTTP Basic 计费服务凭据，仅限 HTTPS）。',
    },
    servers: [{ url: '/' }],
    tags: [{ name: '卡密' }, { name: '计费' }],
    paths: {
      '/open/v1/card-keys/verify': {
        post: {
          tags: ['卡密'],
          summary: '验证卡密（首次验证即激活并绑定设备）',
          operationId: 'verifyCardKey',
          security: [{ appKey: [] }],
          parameters: signingParameters,
          requestBody: { required: true, content: json(verifyBody) },
          responses: {
            '200': signed('每种验证结论都是 200，结论在 valid / reason', verifyAnswer),
            '400': signed('BAD_REQUEST：请求体不是 JSON、device_id 缺失等（已签名）', refusal(['BAD_REQUEST'])),
            ...signingResponses,
          },
        },
      },
      '/open/v1/card-keys/{code}': {
        get: {
          tags: ['卡密'],
          summary: '查询卡密（仅本项目的卡密可见）',
          operationId: 'getCardKey',
          security: [{ appKey: [] }],
          parameters: [...parametersOf(codeParams, 'path'), ...signingParameters],
          responses: {
            '200': signed('卡密详情', queryAnswer),
            '404': signed('NOT_FOUND：本项目无此卡密', notFound),
            ...signingResponses,
          },
        },
      },
      '/open/v1/metering/charge': {
        post: {
          tags: ['计费'],
          summary: '判定一次 API 调用能否进行，能则扣费',
          description: '同一 requestId 的重试不会重复扣费（replayed: true）。拒绝也是 200，data.decision = deny 并给出 reason。',
          operationId: 'meteringCharge',
          security: [{ serviceBasic: [] }],
          requestBody: { required: true, content: json(chargeInput) },
          responses: {
            '200': { description: '判定结果', content: json(envelope(chargeAnswer)) },
            '400': { description: 'VALIDATION_FAILED / MALFORMED_JSON：输入无效', content: json(errorEnvelope) },
            '401': { description: 'SERVICE_UNAUTHORIZED（code 1401）：计费服务凭据错误或已停用', content: json(errorEnvelope) },
            '413': { description: 'BODY_TOO_LARGE：请求体超过 16KB', content: json(errorEnvelope) },
            '503': { description: 'METERING_BUSY（code 1503）：该用户的积分正被其他操作占用，未扣费；请用同一 requestId 重试', content: json(errorEnvelope) },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        appKey: { type: 'apiKey', in: 'header', name: 'X-App-Key', description: '项目 app_key；同时须带 X-Timestamp / X-Nonce / X-Signature 签名头' },
        serviceBasic: { type: 'http', scheme: 'basic', description: 'base64(clientId:secret)，计费服务凭据' },
      },
    },
  };
  return cached;
}
