import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/** `<base>/docs/` (Swagger UI viewer) and `<base>/docs/openapi.json` for a router mounted at `base`. */
export function openApiViewer(base: string, title: string, document: () => object): Router {
  const router = Router();
  const url = `${base}/docs/openapi.json`;
  router.get('/docs/openapi.json', (_req, res) => {
    res.json(document());
  });
  router.use('/docs', swaggerUi.serveFiles(undefined, { swaggerUrl: url }), swaggerUi.setup(undefined, { swaggerUrl: url, customSiteTitle: title }));
  return router;
}
