import type { MiniUser } from '../../models/index.js';

export interface MiniUserView {
  id: string;
  nickname: string | null;
  avatarUrl: string | null;
  totalPoints: number;
  phoneBound: boolean;
  emailBound: boolean;
  createdAt: string;
}

/** What the mini-program sees of its user (never the openid). */
export function presentMiniUser(user: MiniUser): MiniUserView {
  return {
    id: user.id,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    totalPoints: user.totalPoints,
    phoneBound: Boolean(user.phone),
    emailBound: Boolean(user.email),
    createdAt: user.createdAt.toISOString(),
  };
}
