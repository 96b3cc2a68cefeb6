import { MiniUser } from '../../models/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { tokenInvalid } from './tokens.js';

export interface MiniUserSettings {
  /** The user's "支付成功提醒" switch: while off, no payment-success subscribe message is sent. */
  paymentReminder: boolean;
  /**
   * The subscribe-message template the mini-program asks the user to accept before paying
   * (`wx.requestSubscribeMessage`); null when the operator has not configured one.
   */
  paymentReminderTemplateId: string | null;
}

async function present(user: MiniUser): Promise<MiniUserSettings> {
  const templateId = await getSetting('notification.wechat_payment_success_template');
  return { paymentReminder: user.paymentReminder, paymentReminderTemplateId: templateId || null };
}

export async function getMiniUserSettings(userId: string): Promise<MiniUserSettings> {
  const user = await MiniUser.findByPk(userId, { attributes: ['id', 'paymentReminder'] });
  if (!user) throw tokenInvalid();
  return present(user);
}

export async function updateMiniUserSettings(userId: string, patch: { paymentReminder: boolean }): Promise<MiniUserSettings> {
  await MiniUser.update({ paymentReminder: patch.paymentReminder }, { where: { id: userId } });
  return getMiniUserSettings(userId);
}
