import { projectAuthorizationActions, projectAuthorizationHandlers } from '../actions/projects.js';
import { ProjectAuthorization } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `project_authorizations`. */
export const projectAuthorizationsResource = () =>
  defineResource(ProjectAuthorization, {
    navigation: 'projects',
    list: ['id', 'projectId', 'agentId', 'status', 'expiresAt', 'grantedBy', 'createdAt'],
    edit: ['projectId', 'agentId', 'status', 'expiresAt'],
    filter: ['projectId', 'agentId', 'status', 'expiresAt'],
    enums: { status: ['active', 'revoked'] },
    ownerOnNew: 'agentId',
    stampActor: ['grantedBy'],
    actions: { ...projectAuthorizationActions },
    handlers: projectAuthorizationHandlers,
  });
