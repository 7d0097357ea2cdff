// Import of a published report (text or HTML) into the canonical report: pure, no I/O. The unit
// is found through a registry look-up passed in.
import type { CellTree, Report } from '../report.js'
import { TEMPLATES, type TemplateId } from '../templates.js'
import { PAGE_LIMITS, toDocument } from './document.js'
import { UnreadableReport } from './errors.js'
import { readProse, type Prose } from './prose.js'
import { detectTemplate, readCells, type ReadCells } from './reader.js'
import { resolveUnit, type RegistryLookup } from './unit.js'

export { UnreadableReport } from './errors.js'

export interface ImportOptions {
  /** The unit, when the caller knows it (overrides what the page says). */
  unit?: string | undefined
  year?: number | undefined
}

export interface ImportResult {
  /** The canonical report; unit or year absent when neither the page nor the caller gave them. */
  report: Omit<Report, 'unit' | 'year'> & { unit?: string; year?: number }
  detected: { template: TemplateId; year: number | null; organ: string | null; unit?: string; candidates?: string[] }
  parse: { cellsFound: number; cellsExpected: number; notFound: string[]; notes: string[] }
}


/** Sets `value` at the dotted `path` of `tree`, creating the objects on the way. */
function put(tree: CellTree, path: readonly string[], value: number | string | null): void {
  let node = tree
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as CellTree
  node[path.at(-1)!] = value
}

/** What the page itself says: everything an import reads before the registry is consulted. */
export interface PageReading {
  template: TemplateId
  tables: CellTree
  prose: Prose
  cells: ReadCells
}

/**
 * Reads a page's tables and prose: the part of an import whose cost grows with the page (the
 * route runs it in a worker thread with a time budget; see services/page-reader.ts).
 */
export function readPage(input: string, kind: 'text' | 'html'): PageReading {
  const page = toDocument(input, kind)
  if (page.cells.length > PAGE_LIMITS.cells) {
    throw new UnreadableReport(`The page has ${page.cells.length} table cells; an annual report has about 500`)
  }
  const template = detectTemplate(page.cells)
  if (!template) {
    throw new UnreadableReport(
      page.cells.length === 0
        ? 'No table was found: the page holds no statistical tables of an annual report'
        : 'The tables match neither national template (gb2019 or gb2021)'
    )
  }
  const prose = readProse(page.lines)
  const cells = readCells(page.cells, template)
  const tables: CellTree = {}
  for (const cell of TEMPLATES[template].cells) put(tables, cell.path, cells.values.get(cell.code) ?? null)
  if (template === 'gb2019') put(tables, ['proactive', 'procurement', 'amountUnit'], cells.amountUnit)
  return { template, tables, prose, cells }
}

/** The canonical report from what the page says, the unit found in the registry unless given. */
export function completeImport(reading: PageReading, registry: RegistryLookup, options: ImportOptions = {}): ImportResult {
  const { template, tables, prose, cells } = reading
  const organ = prose.meta.organ ?? null
  const match = options.unit ? { unit: options.unit, candidates: [] } : resolveUnit(organ ?? prose.title ?? '', registry)
  const notes = [...prose.notes, ...cells.notes]
  if (match.candidates.length > 0) notes.push(`the organ fits ${match.candidates.length} townships (${match.candidates.join(', ')}); pass ?unit=`)
  const year = options.year ?? prose.year ?? undefined

  const report = {
    ...(match.unit ? { unit: match.unit } : {}),
    ...(year ? { year } : {}),
    template,
    status: 'draft' as const,
    meta: prose.meta,
    narrative: prose.narrative,
    proactive: tables.proactive as CellTree,
    requests: tables.requests as CellTree,
    appeals: tables.appeals as CellTree
  }
  const expected = TEMPLATES[template].cells.length
  const notFound = TEMPLATES[template].cells.filter((c) => cells.notFound.includes(c.code)).map((c) => c.code)
  return {
    report,
    detected: {
      template,
      year: prose.year,
      organ,
      ...(match.unit ? { unit: match.unit } : {}),
      ...(match.candidates.length > 0 ? { candidates: match.candidates } : {})
    },
    parse: { cellsFound: expected - notFound.length, cellsExpected: expected, notFound, notes }
  }
}

/** Reads a page and completes it in one step (the CLI's way; the route splits the two). */
export function importReport(input: string, kind: 'text' | 'html', registry: RegistryLookup, options: ImportOptions = {}): ImportResult {
  return completeImport(readPage(input, kind), registry, options)
}
