import type { Router } from 'express';

/** Every method + path an Express router actually serves (walking nested routers), docs excluded. */
export function servedRoutes(router: Router): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: any[] }).stack);
  return out.filter((r) => !r.includes('/docs'));
}

/** The `method /path` pairs an OpenAPI document describes, relative to `mount` and in Express syntax. */
export function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }, mount: string): Set<string> {
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) documented.add(`${method} ${path.slice(mount.length).replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return documented;
}
