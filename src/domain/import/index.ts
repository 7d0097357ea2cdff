// Import of a published report (text or HTML) into the canonical report: pure, no I/O. The unit
// is found through a registry look-up passed in.
import type { CellTree, Report } from '../report.js'
import { TEMPLATES, type TemplateId } from '../templates.js'
import { toDocument, type PageDocument } from './document.js'
import { fromDocx } from './docx.js'
import type { FileFormat, PageFormat } from './formats.js'
import { fromPdf } from './pdf.js'
import { UnreadableReport } from './errors.js'
import { readProse, type Prose, type StatedYears } from './prose.js'
import { detectTemplate, readCells, type ReadCells } from './reader.js'
import { readValue, simplifierFor } from './text.js'
import { classifyOrgan, resolveUnit, type OrganDivision, type RegistryLookup, type UnitMatch } from './unit.js'

export { UnreadableReport } from './errors.js'

export interface ImportOptions {
  /** The unit, when the caller knows it (overrides what the page says). */
  unit?: string | undefined
  year?: number | undefined
  /** The file the page came from (the CLI's), whose name may state the year. */
  fileName?: string | undefined
}

/** Where the report year was found, most reliable first. */
export const YEAR_SOURCES = ['query', 'title', 'period', 'fileName', 'date'] as const
export type YearSource = (typeof YEAR_SOURCES)[number]

export interface Detected {
  /** The form the report came in: text, html, pdf or docx. */
  format: PageFormat
  template: TemplateId
  year: number | null
  yearSource: YearSource | null
  organ: string | null
  /** An organ that is not a township (a county-level government, a department): what it is. */
  organDivision?: OrganDivision
  unit?: string
  candidates?: string[]
}

export interface ImportResult {
  /** The canonical report; unit or year absent when neither the page nor the caller gave them. */
  report: Omit<Report, 'unit' | 'year'> & { unit?: string; year?: number }
  detected: Detected
  parse: { cellsFound: number; cellsExpected: number; notFound: string[]; notes: string[] }
}

const SOURCE_NAMES: Record<YearSource, string> = {
  query: '?year=',
  title: 'the title',
  period: 'the statistical period',
  fileName: 'the file name',
  date: 'the document date'
}

/** The one report year a file name states (`2020年报.pdf`, `fengshi-2020.txt`), if exactly one. */
function yearOfFileName(fileName: string | undefined): number | null {
  const base = fileName?.split(/[\\/]/).at(-1) ?? ''
  const years = new Set([...base.matchAll(/(?<!\d)(20\d{2})(?!\d)/g)].map((m) => Number(m[1])))
  return years.size === 1 ? [...years][0]! : null
}

/** The year from the most reliable place that states one; every other place that disagrees is noted. */
function chooseYear(
  stated: StatedYears,
  options: ImportOptions
): { year: number | null; source: YearSource | null; notes: string[] } {
  const found: Record<YearSource, number | null> = {
    query: options.year ?? null,
    ...stated,
    fileName: yearOfFileName(options.fileName)
  }
  const source = YEAR_SOURCES.find((s) => found[s] !== null) ?? null
  if (!source) return { year: null, source: null, notes: [] }
  const year = found[source]!
  const notes = YEAR_SOURCES.filter((s) => s !== source && s !== 'query' && found[s] !== null && found[s] !== year).map(
    (s) => `${SOURCE_NAMES[s]} says ${found[s]} but ${SOURCE_NAMES[source]} ${year}; ${year} was taken`
  )
  return { year, source, notes }
}

/** Who issued the page: its signature, or else what its title names before the year. */
function issuerOf(prose: Prose): string {
  if (prose.meta.organ) return prose.meta.organ
  const before = /^(.*?)\d{4}\s*年/.exec(prose.title ?? '')?.[1]?.trim() ?? ''
  if (!before) return ''
  return /(局|委员会|委|办公室|办|中心|厅|署|院)$/.test(before) ? before : `${before}人民政府`
}

/** Sets `value` at the dotted `path` of `tree`, creating the objects on the way. */
function put(tree: CellTree, path: readonly string[], value: number | string | null): void {
  let node = tree
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as CellTree
  node[path.at(-1)!] = value
}

/** What the page itself says: everything an import reads before the registry is consulted. */
export interface PageReading {
  /** The form the report came in. */
  format: PageFormat
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
  return readDocument(toDocument(input, kind), input, kind)
}

/** Reads a PDF or a Word document the same way (both are parsed asynchronously). */
export async function readFile(data: Uint8Array, format: FileFormat): Promise<PageReading> {
  const page = format === 'docx' ? await fromDocx(data) : await fromPdf(data)
  return readDocument(page, `${page.lines.join('\n')}\n${page.cells.join('\n')}`, format)
}

function readDocument(read: PageDocument, text: string, format: PageFormat): PageReading {
  const simplify = simplifierFor(text)
  const page = simplify ? { lines: read.lines.map(simplify), cells: read.cells.map(simplify) } : read
  const template = detectTemplate(page.cells)
  if (!template) {
    throw new UnreadableReport(
      !page.cells.some((cell) => readValue(cell).kind === 'number')
        ? 'No table was found: the page holds no statistical tables of an annual report'
        : 'The tables match neither national template (gb2019 or gb2021)'
    )
  }
  const prose = readProse(page.lines)
  const cells = readCells(page.cells, template)
  const tables: CellTree = {}
  for (const cell of TEMPLATES[template].cells) put(tables, cell.path, cells.values.get(cell.code) ?? null)
  if (template === 'gb2019') put(tables, ['proactive', 'procurement', 'amountUnit'], cells.amountUnit)
  return { format, template, tables, prose, cells }
}

/** The canonical report from what the page says, the unit found in the registry unless given. */
export function completeImport(
  reading: PageReading,
  registry: RegistryLookup,
  options: ImportOptions = {}
): ImportResult {
  const { format, template, tables, prose, cells } = reading
  const organ = prose.meta.organ ?? null
  const organDivision = classifyOrgan(issuerOf(prose), registry)
  const match: UnitMatch = options.unit
    ? { unit: options.unit, candidates: [] }
    : organDivision
      ? { candidates: [] }
      : resolveUnit(organ ?? prose.title ?? prose.meta.contact?.address ?? '', registry)
  const chosen = chooseYear(prose.years, options)
  const notes = [...prose.notes, ...chosen.notes, ...cells.notes]
  if (match.candidates.length > 0)
    notes.push(`the organ fits ${match.candidates.length} townships (${match.candidates.join(', ')}); pass ?unit=`)
  if (organDivision) {
    const names = organDivision.candidates.map((code) => `${registry.nameOf(code) ?? ''} ${code}`).join(', ')
    notes.push(
      `the organ is not a township but a ` +
        `${organDivision.level === 'department' ? 'department' : `${organDivision.level} government`} (${names}); ` +
        `only townships file these reports`
    )
  }
  const year = chosen.year ?? undefined

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
      format,
      template,
      year: chosen.year,
      yearSource: chosen.source,
      organ,
      ...(organDivision ? { organDivision } : {}),
      ...(match.unit ? { unit: match.unit } : {}),
      ...(match.candidates.length > 0 ? { candidates: match.candidates } : {})
    },
    parse: { cellsFound: expected - notFound.length, cellsExpected: expected, notFound, notes }
  }
}

/** Reads a page and completes it in one step (the CLI's way; the route splits the two). */
export function importReport(
  input: string,
  kind: 'text' | 'html',
  registry: RegistryLookup,
  options: ImportOptions = {}
): ImportResult {
  return completeImport(readPage(input, kind), registry, options)
}
