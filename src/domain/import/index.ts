// Import of a published report (text or HTML) into the canonical report: pure, no I/O. The unit
// is found through a registry look-up passed in.
import type { CellTree, Report } from '../report.js'
import { TEMPLATES, type TemplateId } from '../templates.js'
import { toDocument } from './document.js'
import { readProse } from './prose.js'
import { detectTemplate, readCells } from './reader.js'
import { resolveUnit, type RegistryLookup } from './unit.js'

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

/** An annual report's tables hold about five hundred cells; far more is not one (and would be slow to read). */
const MAX_CELLS = 20_000

export class UnreadableReport extends Error {
  override name = 'UnreadableReport'
}

/** Sets `value` at the dotted `path` of `tree`, creating the objects on the way. */
function put(tree: CellTree, path: readonly string[], value: number | string | null): void {
  let node = tree
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as CellTree
  node[path.at(-1)!] = value
}

export function importReport(input: string, kind: 'text' | 'html', registry: RegistryLookup, options: ImportOptions = {}): ImportResult {
  const page = toDocument(input, kind)
  if (page.cells.length > MAX_CELLS) {
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
