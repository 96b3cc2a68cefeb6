export { notifyUsers, recordUrl, type NotificationLink, type NotifyUsersInput, type NotifyUsersResult } from './notifyUsers.js';
export {
  announcementSchema,
  announcementStats,
  createAnnouncement,
  parseAnnouncement,
  sendAnnouncementsJob,
  sendDueAnnouncements,
  updateAnnouncement,
  ANNOUNCEMENT_TYPES,
  type AnnouncementInput,
} from './announcements.js';
export { listNotifications, markRead, unreadCount, type NotificationItem } from './readMarks.js';
