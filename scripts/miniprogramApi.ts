import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../server/routes/api/docs.js';

/** Where the mini-program's API types live (generated; `npm run miniprogram:api` rewrites it). */
export const SCHEMA_FILE = fileURLToPath(new URL('../miniprogram/api/schema.d.ts', import.meta.url));

const HEADER = `/**
 * Generated from the server's OpenAPI document (server/routes/api) by \`npm run miniprogram:api\`.
 * Do not edit: a test fails when this file and the document differ.
 */
`;

/** The TypeScript types of the /api OpenAPI document, as openapi-typescript writes them. */
export async function miniprogramApiTypes(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, await miniprogramApiTypes());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
