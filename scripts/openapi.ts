// Writes the OpenAPI document the app generates to openapi/openapi.json (a test checks for drift).
import { writeFileSync } from 'node:fs'
import { DEFAULT_CONFIG } from '../src/config.js'
import { buildApp } from '../src/app.js'

export async function generateOpenApi(): Promise<string> {
  const app = await buildApp({ ...DEFAULT_CONFIG, databasePath: ':memory:', logLevel: 'silent' })
  await app.ready()
  const document = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  return document
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../openapi/openapi.json', import.meta.url), await generateOpenApi())
  console.log('wrote openapi/openapi.json')
}
