import path from 'node:path';
import { ComponentLoader } from 'adminjs';
import { projectRoot } from '../server/lib/paths.js';

/**
 * The one component loader. Component files live in admin/components (bundled by AdminJS in
 * development and by `npm run build:admin` for production); names are stable so the
 * pre-built bundle and the server agree.
 */
export const componentLoader = new ComponentLoader();

const file = (name: string) => path.join(projectRoot(), 'admin', 'components', `${name}.tsx`);

export const Components = {
  Dashboard: componentLoader.add('SeahorseDashboard', file('Dashboard')),
  StatsPage: componentLoader.add('SeahorseStatsPage', file('stats/StatsPage')),
  Money: componentLoader.add('SeahorseMoney', file('Money')),
  Json: componentLoader.add('SeahorseJson', file('Json')),
  CommandForm: componentLoader.add('SeahorseCommandForm', file('CommandForm')),
  NotificationInbox: componentLoader.add('SeahorseNotificationInbox', file('NotificationInbox')),
  NotificationBell: componentLoader.override('LoggedIn', file('NotificationBell')),
  ConfirmAction: componentLoader.add('SeahorseConfirmAction', file('ConfirmAction')),
  Login: componentLoader.override('Login', file('Login')),
  SettingForm: componentLoader.add('SeahorseSettingForm', file('SettingForm')),
  SettingValue: componentLoader.add('SeahorseSettingValue', file('SettingValue')),
  SettingDescription: componentLoader.add('SeahorseSettingDescription', file('SettingDescription')),
  BannerImageUpload: componentLoader.add('SeahorseBannerImageUpload', file('BannerImageUpload')),
  BannerImagePreview: componentLoader.add('SeahorseBannerImagePreview', file('BannerImagePreview')),
};
