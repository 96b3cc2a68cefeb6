import { projectApplicationActions, projectApplicationHandlers } from '../actions/projects.js';
import { ProjectApplication } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `project_applications`. */
export const projectApplicationsResource = () =>
  defineResource(ProjectApplication, {
    navigation: 'projects',
    list: ['id', 'projectId', 'agentId', 'status', 'reviewerId', 'createdAt'],
    edit: ['projectId', 'reason'],
    filter: ['projectId', 'agentId', 'status', 'createdAt'],
    textarea: ['reason', 'reviewOpinion'],
    enums: { status: ['pending', 'approved', 'rejected'] },
    ownerOnNew: 'agentId',
    actions: { ...projectApplicationActions },
    handlers: projectApplicationHandlers,
  });
