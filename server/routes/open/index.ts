import { Router } from 'express';
import { openApiViewer } from '../../http/openApiViewer.js';
import { apiCallLogger } from './callLog.js';
import { cardKeysOpenRouter } from './cardKeys.js';
import { meteringRouter } from './metering.js';
import { openApiDocumentForOpen } from './openApi.js';

/** The signed open API for client software and API services. */
export function openRouter(): Router {
  const router = Router();
  router.use(openApiViewer('/open', 'Seahorse 开放接口', openApiDocumentForOpen));
  router.use(apiCallLogger());
  router.use(cardKeysOpenRouter());
  router.use(meteringRouter());
  return router;
}
