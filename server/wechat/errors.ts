import { AppError } from '../errors.js';

/** WeChat answered with an error, or could not be reached / could not be trusted. */
export class WechatError extends Error {
  constructor(
    public readonly service: 'mini' | 'pay',
    /** HTTP status from WeChat (0 when unreachable). */
    public readonly httpStatus: number,
    /** WeChat's own code: errcode (mini) or code string (pay). */
    public readonly wxCode: string | number,
    message: string,
    /** True when the same call may succeed later (busy, system error, network). */
    public readonly retryable: boolean,
  ) {
    super(`WeChat ${service} error ${wxCode}: ${message}`);
    this.name = 'WechatError';
  }
}

export const paymentNotConfigured = () => new AppError(503, 6503, 'PAYMENT_NOT_CONFIGURED', '微信支付暂未开通，请稍后再试');
