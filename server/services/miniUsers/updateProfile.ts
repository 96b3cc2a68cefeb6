import { MiniUser } from '../../models/index.js';
import { presentMiniUser, type MiniUserView } from './presentMiniUser.js';

/** The user edits their own nickname (the avatar comes from WeChat authorisation). */
export async function updateProfile(userId: string, input: { nickname: string }): Promise<MiniUserView> {
  await MiniUser.update({ nickname: input.nickname }, { where: { id: userId } });
  return presentMiniUser((await MiniUser.findByPk(userId))!);
}
