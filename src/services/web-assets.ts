// The entry (填报) and review (审核) pages' files: HTML and CSS as written in src/web, and their
// scripts bundled for the browser by esbuild from src/web/*.ts together with the domain modules
// they import: the rules and the form's layout run in the page as they run on the server, one
// implementation. `npm run build` writes the bundles into dist/web (buildWebAssets), so that a
// built tree serves them as files; run from src (dev, tests) a script is bundled on its first
// request, once per process.
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** src/web beside src/services, or dist/web beside dist/services. */
const WEB = fileURLToPath(new URL('../web/', import.meta.url))

export const SCRIPTS = ['entry', 'review'] as const
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8'
}

export interface WebAsset {
  body: Buffer
  type: string
  etag: string
}

/** A script bundled for the browsers the offices use (evergreen Chromium and Edge, WPS's browser). */
async function bundle(source: string): Promise<string> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent'
  })
  return result.outputFiles[0]!.text
}

const cache = new Map<string, Promise<WebAsset | undefined>>()

async function load(name: string): Promise<WebAsset | undefined> {
  const extension = name.slice(name.lastIndexOf('.'))
  const type = TYPES[extension]
  if (!type || !/^[a-z-]+\.[a-z]+$/.test(name)) return undefined
  const path = join(WEB, name)
  let body: Buffer
  if (existsSync(path)) body = readFileSync(path)
  else if (extension === '.js' && (SCRIPTS as readonly string[]).includes(name.slice(0, -3)))
    body = Buffer.from(await bundle(join(WEB, `${name.slice(0, -3)}.ts`)))
  else return undefined
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
  return { body, type, etag }
}

/** One of the pages' files by name (`entry.html`, `entry.js`, `forms.css`), or undefined. */
export function webAsset(name: string): Promise<WebAsset | undefined> {
  let asset = cache.get(name)
  if (!asset) {
    asset = load(name)
    // A failed bundle is not kept: the next request tries again (and logs the error again).
    asset.catch(() => cache.delete(name))
    cache.set(name, asset)
  }
  return asset
}

/** For `npm run build`: the bundles and the pages' other files written to `out`. */
export async function buildWebAssets(source: string, out: string): Promise<void> {
  mkdirSync(out, { recursive: true })
  for (const name of readdirSync(source))
    if (name.endsWith('.html') || name.endsWith('.css')) copyFileSync(join(source, name), join(out, name))
  for (const script of SCRIPTS) writeFileSync(join(out, `${script}.js`), await bundle(join(source, `${script}.ts`)))
}
