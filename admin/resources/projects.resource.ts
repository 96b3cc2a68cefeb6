import { projectActions, projectHandlers } from '../actions/projects.js';
import { Project } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `projects`. */
export const projectsResource = () =>
  defineResource(Project, {
    navigation: 'projects',
    list: ['id', 'name', 'version', 'status', 'kind', 'createdAt'],
    show: ['id', 'name', 'description', 'version', 'status', 'kind', 'pointsPerKey', 'appKey', 'signPublicKey', 'callbackUrl', 'maxUnbinds', 'unbindCooldownMinutes', 'shareIpThreshold', 'previousSecretExpiresAt', 'createdAt', 'updatedAt'],
    edit: ['name', 'description', 'version', 'status', 'kind', 'pointsPerKey', 'callbackUrl', 'maxUnbinds', 'unbindCooldownMinutes', 'shareIpThreshold'],
    filter: ['name', 'status', 'kind'],
    textarea: ['description', 'signPublicKey'],
    enums: { status: ['active', 'disabled'], kind: ['software', 'points'] },
    actions: { ...projectActions },
    handlers: projectHandlers,
  });
