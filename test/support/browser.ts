import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { mountAdminWith } from '../../admin/mount.js';
import { projectRoot } from '../../server/lib/paths.js';
import { startTestServer, type TestServer } from './http.js';

/** Debian's chromium, never a downloaded browser; no background traffic (the network is closed). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let bundle: Promise<string> | undefined;

/**
 * The production admin bundle (what `npm run build:admin` ships), built once per test run into a
 * private folder, so browser tests prove the custom components load in production mode.
 */
export function productionAdminBundle(): Promise<string> {
  bundle ??= (async () => {
    const rel = path.join('tmp', `admin-bundle-${process.pid}-${randomBytes(3).toString('hex')}`);
    const dir = path.join(projectRoot(), rel);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bundle-admin.ts', rel], { cwd: projectRoot() });
    return dir;
  })();
  return bundle;
}

export interface BrowserWorld {
  server: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

/** The real app with the production admin bundle on an ephemeral port, and a headless chromium. */
export async function startBrowserWorld(): Promise<BrowserWorld> {
  const bundleDir = await productionAdminBundle();
  const server = await startTestServer({
    mountAdmin: async (app) => {
      await mountAdminWith(app, { assets: 'bundled', bundleDir });
    },
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
