/**
 * Pre-bundles the AdminJS front end (its own scripts + our custom components) for production,
 * where the server runs with ADMIN_JS_SKIP_BUNDLE=true and serves these files.
 * Usage: tsx scripts/bundle-admin.ts [outDir=public/admin-bundle]   (run from the repository root)
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

const root = process.cwd();
if (!existsSync(path.join(root, 'package.json')) || !existsSync(path.join(root, 'admin', 'componentLoader.ts'))) {
  console.error('bundle-admin: run me from the repository root');
  process.exit(1);
}
// @adminjs/bundler joins every path with the working directory, so they must be relative.
const outDir = path.relative(root, path.resolve(process.argv[2] ?? 'public/admin-bundle'));
const tmpDir = `${outDir}-work`;

// Both are read when AdminJS is first imported, hence the dynamic imports below.
process.env.NODE_ENV = 'production';
process.env.ADMIN_JS_TMP_DIR = tmpDir;

const { bundle } = await import('@adminjs/bundler');
const { componentLoader } = await import('../admin/componentLoader.js');
try {
  await bundle({ componentLoader, destinationDir: outDir, adminJsLocalDir: tmpDir });
} finally {
  await rm(path.join(root, tmpDir), { recursive: true, force: true });
}
console.log(`admin assets written to ${outDir}`);
