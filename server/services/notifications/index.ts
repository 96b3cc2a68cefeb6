export { notifyUsers, type NotifyUsersInput, type NotifyUsersResult } from './notifyUsers.js';
export { listNotifications, markRead, unreadCount, type NotificationItem } from './readMarks.js';
