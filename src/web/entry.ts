// 填报: the township clerk's form. Picks a township the token may write and a year, lays the
// report out as on the national form, runs the rules of src/domain on every change (one
// implementation with the server's), and saves drafts and submissions with If-Match, so that a
// stale tab never overwrites newer work. Unsaved changes are kept in sessionStorage.
import type { Report, ReportStatus } from '../domain/report.js'
import { evaluateRules, type Violation } from '../domain/rules.js'
import { FIRST_REPORT_YEAR, templateOfYear, TEMPLATES, type TemplateId } from '../domain/templates.js'
import {
  $,
  api,
  ApiError,
  el,
  explain,
  STATUS_NAMES,
  tokenBox,
  when,
  type Problem,
  type Review,
  type TokenInfo
} from './common.js'
import { readField } from '../domain/cell-value.js'
import { pointerToCode, ReportForm, type Field, type Tables } from './form.js'

/** A report as GET /v1/reports/{unit}/{year} answers it. */
interface StoredReport extends Omit<Report, 'status'> {
  revision: number
  status: ReportStatus
  updatedAt?: string
  submittedAt: string | null
  lastReview: Review | null
}

interface SubmissionResult {
  status: string
  revision: number
  unchanged: boolean
  errors: Violation[]
  warnings: Violation[]
}

interface Division {
  code: string
  name: string
  level: string
}

/** What is open: the unit and year, what the server holds, and the form. */
interface Open {
  unit: string
  unitName: string
  year: number
  /** The ETag of the revision loaded (If-Match of the next save), or null when none is stored yet. */
  etag: string | null
  stored: StoredReport | null
  previous: Report | null
  form: ReportForm
  /** Cells the clerk has touched (or that came filled): their rules' findings are shown. */
  touched: Set<string>
  /** The last batch change (paste, fill, carry-over, import), to undo in one step. */
  undo: Array<Record<string, string>>
  /** Findings the server answered with (422, or the warnings of a save), shown until the next change. */
  server: Violation[]
}

const DRAFT_PREFIX = 'ogi.entry.'
interface LocalCopy {
  savedAt: string
  /** The ETag the changes were made on; null for a report not stored yet. */
  base: string | null
  template: TemplateId
  texts: Record<string, string>
  document: Record<string, string>
}

let who: TokenInfo | null = null
let open: Open | null = null

// ─── Choosing the unit and year ────────────────────────────────────────────────────────────

function years(): number[] {
  const last = new Date().getFullYear()
  const out: number[] = []
  for (let year = last; year >= FIRST_REPORT_YEAR; year--) out.push(year)
  return out
}

async function townshipsOf(code: string): Promise<Division[]> {
  const out: Division[] = []
  let cursor: string | null = null
  do {
    const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const { body } = await api<{ items: Division[]; nextCursor: string | null }>(
      `v1/divisions/${code}/children?${query}`
    )
    out.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  return out
}

async function showPicker(token: TokenInfo | null) {
  who = token
  const pick = $<HTMLFormElement>('#pick')
  pick.hidden = !token
  $('#hint').hidden = Boolean(token)
  if (!token) {
    $('#report').hidden = true
    open = null
    return
  }
  const unit = $<HTMLSelectElement>('#unit')
  const search = $('#unit-search-label')
  const hash = /^#(\d{9})\/(\d{4})$/.exec(location.hash)
  let townships: Division[] = []
  if (token.role === 'unit' && token.division) townships = [token.division]
  else if (token.division?.level === 'district') townships = await townshipsOf(token.division.code)
  unit.replaceChildren(...townships.map((d) => el('option', { value: d.code }, `${d.name}（${d.code}）`)))
  // A city, province or admin token finds its township by name.
  unit.parentElement!.hidden = townships.length === 0
  search.hidden = townships.length > 0
  $<HTMLSelectElement>('#year').replaceChildren(
    ...years().map((y) => el('option', { value: y, selected: y === new Date().getFullYear() - 1 }, `${y}年度`))
  )
  if (hash) {
    const code = hash[1]!
    const year = hash[2]!
    $<HTMLSelectElement>('#year').value = year
    if (townships.length > 0 && !townships.some((d) => d.code === code)) {
      banner(`此令牌不能填报 ${code}：它只能填报${token.division?.name ?? ''}的报告。`, 'error')
      return
    }
    if (townships.length > 0) unit.value = code
    void openReport(code, Number(year))
  }
}

const searchInput = () => $<HTMLInputElement>('#unit-search')
searchInput().addEventListener('input', () => {
  const q = searchInput().value.trim()
  if (q.length < 2 || /^\d+$/.test(q)) return
  api<{ items: Division[] }>(`v1/divisions?level=township&limit=20&q=${encodeURIComponent(q)}`).then(
    ({ body }) =>
      $('#unit-list').replaceChildren(
        ...body.items
          .filter((d) => who?.role === 'admin' || (who?.scope && d.code.startsWith(who.scope)))
          .map((d) => el('option', { value: d.code }, d.name))
      ),
    () => undefined
  )
})

$<HTMLFormElement>('#pick').addEventListener('submit', (event) => {
  event.preventDefault()
  const select = $<HTMLSelectElement>('#unit')
  const unit = select.parentElement!.hidden ? searchInput().value.trim() : select.value
  if (!/^\d{9}$/.test(unit)) return banner('请选择一个乡镇（街道）。', 'error')
  void openReport(unit, Number($<HTMLSelectElement>('#year').value))
})

// ─── Loading ───────────────────────────────────────────────────────────────────────────────

/**
 * The unit's stored reports of `year` and the year before, read only where the list says one is
 * stored: a report not filed yet is no failed request.
 */
async function fetchReports(unit: string, year: number) {
  const { body } = await api<{ items: Array<{ year: number }> }>(`v1/reports?under=${unit}&limit=500`)
  const read = async (y: number) => {
    if (!body.items.some((item) => item.year === y)) return null
    const { body: report, etag } = await api<StoredReport>(`v1/reports/${unit}/${y}`)
    return { report, etag }
  }
  return Promise.all([read(year), read(year - 1)])
}

/** The report's content as the rules read it (its workflow state aside). */
function contentOf(stored: StoredReport): Report {
  const { unit, year, template, meta, narrative, proactive, requests, appeals } = stored
  return { unit, year, template, status: 'submitted', meta, narrative, proactive, requests, appeals }
}

async function openReport(unit: string, year: number) {
  try {
    const [division, [current, previous]] = await Promise.all([
      api<Division>(`v1/divisions/${unit}`),
      fetchReports(unit, year)
    ])
    history.replaceState(null, '', `#${unit}/${year}`)
    const stored = current?.report ?? null
    const template = stored?.template ?? templateOfYear(year)
    const form = new ReportForm($('#tables'), template)
    open = {
      unit,
      unitName: division.body.name,
      year,
      etag: current?.etag ?? null,
      stored,
      previous: previous ? contentOf(previous.report) : null,
      form,
      touched: new Set(),
      undo: [],
      server: []
    }
    $<HTMLSelectElement>('#template').value = template
    $('#report').hidden = false
    $('#title-line').textContent = `${division.body.name}${year}年政府信息公开工作年度报告`
    fillDocument(stored)
    if (stored) form.fill(stored)
    touchFilled()
    lockIfAccepted()
    showReviewComment()
    restoreLocalCopy()
    update()
  } catch (error) {
    banner(explain(error), 'error')
  }
}

/** Cells that came with a figure count as touched: a stored report shows its findings at once. */
function touchFilled() {
  if (!open) return
  for (const [code, field] of open.form.fields) if (field.input.value !== '') open.touched.add(code)
}

const documentInputs = () => [
  ...$('#document').querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('#meta input, .prose textarea')
]

function fillDocument(report: Pick<Report, 'meta' | 'narrative'> | null) {
  for (const input of documentInputs()) {
    const [part, ...path] = input.name.split('.')
    let node: unknown = part === 'narrative' ? report?.narrative : report?.meta
    for (const key of part === 'narrative' ? path : [part!, ...path]) node = (node as Record<string, unknown>)?.[key]
    input.value = typeof node === 'string' ? node : ''
  }
}

/** meta and narrative as the canonical JSON has them; blank fields are null. */
function documentParts(): Pick<Report, 'meta' | 'narrative'> {
  const meta: Record<string, unknown> = {}
  const contact: Record<string, string | null> = {}
  const narrative: Record<string, string | null> = {}
  for (const input of documentInputs()) {
    const value = input.value.trim() === '' ? null : input.value
    const [part, key] = input.name.split('.')
    if (part === 'narrative') narrative[key!] = value
    else if (part === 'contact') contact[key!] = value
    else meta[part!] = value
  }
  return { meta: { ...meta, contact }, narrative }
}

// ─── The local copy of unsaved changes ─────────────────────────────────────────────────────

const copyKey = () => `${DRAFT_PREFIX}${open!.unit}.${open!.year}`

function keepLocalCopy() {
  if (!open) return
  const copy: LocalCopy = {
    savedAt: new Date().toISOString(),
    base: open.etag,
    template: open.form.template,
    texts: open.form.texts(),
    document: Object.fromEntries(documentInputs().map((input) => [input.name, input.value]))
  }
  sessionStorage.setItem(copyKey(), JSON.stringify(copy))
}

const dropLocalCopy = () => open && sessionStorage.removeItem(copyKey())

/**
 * A copy made on the revision now stored is restored as it is; one made on an older revision
 * (someone saved since) is offered, never applied silently.
 */
function restoreLocalCopy() {
  const text = sessionStorage.getItem(copyKey())
  if (!text || !open) return
  const copy = JSON.parse(text) as LocalCopy
  const apply = () => {
    if (!open) return
    if (copy.template !== open.form.template) switchTemplate(copy.template)
    open.form.restoreTexts(copy.texts)
    for (const input of documentInputs()) input.value = copy.document[input.name] ?? ''
    touchFilled()
    update()
  }
  if (copy.base === open.etag) {
    apply()
    banner(
      `已恢复本页未保存的修改（${when(copy.savedAt)}）。`,
      'info',
      [['放弃这些修改', () => void discardLocal()]],
      true
    )
  } else {
    banner(
      `本页有 ${when(copy.savedAt)} 未保存的修改，但服务器上的报告此后已被保存过。`,
      'warning',
      [
        ['恢复我的修改', apply],
        ['放弃', () => void discardLocal()]
      ],
      true
    )
  }
}

async function discardLocal() {
  if (!open) return
  dropLocalCopy()
  await openReport(open.unit, open.year)
}

// ─── Workflow state ────────────────────────────────────────────────────────────────────────

function lockIfAccepted() {
  if (!open) return
  const accepted = open.stored?.status === 'accepted'
  $('#amend').hidden = !accepted
  const reason = $<HTMLInputElement>('#amendment-reason')
  reason.value = ''
  open.form.setReadOnly(accepted)
  for (const input of documentInputs()) input.readOnly = accepted
  $<HTMLButtonElement>('#save-draft').disabled = accepted
}

$<HTMLInputElement>('#amendment-reason').addEventListener('input', () => {
  if (!open) return
  // A reason unlocks the accepted report; the change is then submitted, never saved as a draft.
  const unlocked = $<HTMLInputElement>('#amendment-reason').value.trim() !== ''
  open.form.setReadOnly(!unlocked)
  for (const input of documentInputs()) input.readOnly = !unlocked
})

function showReviewComment() {
  const review = open?.stored?.lastReview
  if (open?.stored?.status === 'returned' && review) {
    banner(`审核退回（${when(review.at)}，第 ${review.revision} 版）：${review.comment ?? ''}`, 'warning')
  } else if (open?.stored?.status === 'accepted') {
    banner('这份报告已审核通过，已锁定。如需修改，请填写修改理由后提交。', 'info')
  } else banner('')
}

/** Says something above the form, in place of what was said before (or beside it, `add`). */
function banner(
  message: string,
  kind: 'info' | 'warning' | 'error' = 'info',
  actions: Array<[string, () => void]> = [],
  add = false
) {
  const box = $('#banner')
  if (!add) box.replaceChildren()
  if (!message) return
  const buttons = actions.map(([label, act]) => {
    const button = el('button', { type: 'button' }, label)
    button.addEventListener('click', act)
    return button
  })
  box.append(el('div', { class: `banner ${kind}` }, el('span', {}, message), ...buttons))
}

// ─── Checking on every change ──────────────────────────────────────────────────────────────

function currentReport(status: 'draft' | 'submitted'): {
  report: Report
  invalid: Array<{ field: Field; message: string }>
  blank: number
} {
  const { values, invalid } = open!.form.read()
  const report: Report = {
    unit: open!.unit,
    year: open!.year,
    template: open!.form.template,
    status,
    ...documentParts(),
    ...open!.form.tables(values)
  }
  return { report, invalid, blank: [...values.values()].filter((v) => v === null).length }
}

/** W-INCOMPLETE names every blank cell: it is the 未填 count, not a mark on each of them. */
const MARKED = (v: Violation) => v.rule !== 'W-INCOMPLETE'

function update() {
  if (!open) return
  const { report, invalid, blank } = currentReport('submitted')
  const evaluation = evaluateRules({ report, previous: open.previous ?? undefined })
  const found = [...evaluation.errors, ...evaluation.warnings]
  // The server's findings (peer rules, or a 422) stay until the figures they name change.
  const all = [...found, ...open.server.filter((s) => !found.some((f) => f.rule === s.rule))]
  const touched = open.touched
  // A finding shows once one of its cells is touched; one that names the prose (W-TEXT-TABLE) at once.
  const fields = open.form.fields
  const shown = all.filter(
    (v) =>
      MARKED(v) &&
      v.cells.some((pointer) => {
        const code = pointerToCode(pointer)
        return touched.has(code) || !fields.has(code)
      })
  )
  open.form.mark(
    shown,
    invalid.filter(({ field }) => touched.has(field.cell.code))
  )
  summarize(shown, all.filter(MARKED).length - shown.length, invalid, blank)
  showChain(report)
}

function summarize(
  shown: Violation[],
  hidden: number,
  invalid: Array<{ field: Field; message: string }>,
  blank: number
) {
  if (!open) return
  const errors = shown.filter((v) => v.severity === 'error')
  const warnings = shown.filter((v) => v.severity === 'warning')
  const stored = open.stored
  $('#status').replaceChildren(
    el(
      'p',
      {},
      stored ? `第 ${stored.revision} 版 · ${STATUS_NAMES[stored.status] ?? stored.status}` : '尚未保存',
      ` · ${TEMPLATES[open.form.template].shortZh}`,
      ' · ',
      el('span', { id: 'blank-count' }, `未填 ${blank} 格`),
      ' · ',
      el('span', { id: 'error-count' }, `错误 ${errors.length + invalid.length} 项`),
      ' · ',
      el('span', { id: 'warning-count' }, `提示 ${warnings.length} 项`)
    )
  )
  const item = (v: Violation) => {
    const link = el('a', { href: '#', class: v.severity, 'data-rule': v.rule }, v.message.zh)
    link.addEventListener('click', (event) => {
      event.preventDefault()
      open?.form.fieldOf(v)?.input.focus()
    })
    return el('li', {}, el('span', { class: 'rule' }, v.severity === 'error' ? '错误' : '提示'), ' ', link)
  }
  const wrong = invalid.map(({ field, message }) => {
    const link = el('a', { href: '#', class: 'error' }, `${field.cell.zh}：「${field.input.value}」${message}`)
    link.addEventListener('click', (event) => {
      event.preventDefault()
      field.input.focus()
    })
    return el('li', {}, el('span', { class: 'rule' }, '错误'), ' ', link)
  })
  $('#summary').replaceChildren(
    ...(shown.length + wrong.length > 0 ? [el('ul', {}, ...wrong, ...errors.map(item), ...warnings.map(item))] : []),
    hidden > 0 ? el('p', { class: 'muted' }, `另有 ${hidden} 项检查涉及尚未填写的单元格，填写后显示。`) : ''
  )
}

/** 二 (gb2021): 现行有效件数 = last year's + 本年制发 − 本年废止, shown as the clerk types. */
function showChain(report: Report) {
  const chain = $('#chain')
  const previous = open?.previous
  if (report.template !== 'gb2021' || !previous) return chain.replaceChildren()
  if (previous.template !== 'gb2021') {
    return chain.replaceChildren(`上一年度报告为${TEMPLATES[previous.template].shortZh}，无法推算现行有效件数。`)
  }
  const n = (tables: Tables, path: string[]) => {
    let node: unknown = tables.proactive
    for (const key of path) node = (node as Record<string, unknown>)?.[key]
    return typeof node === 'number' ? node : 0
  }
  const lines = (['regulations', 'normativeDocuments'] as const).map((row) => {
    const last = n(previous, [row, 'inForce'])
    const issued = n(report, [row, 'issued'])
    const repealed = n(report, [row, 'repealed'])
    const expected = last + issued - repealed
    const field = open!.form.fields.get(`proactive.${row}.inForce`)
    if (field) field.input.placeholder = `应为 ${expected}`
    const label = row === 'regulations' ? '规章' : '行政规范性文件'
    return el('li', {}, `${label}：上年现行有效 ${last} + 本年制发 ${issued} − 本年废止 ${repealed} = 应为 ${expected}`)
  })
  chain.replaceChildren(el('strong', {}, `现行有效件数（据${previous.year}年度报告）`), el('ul', {}, ...lines))
}

// ─── Typing, moving, pasting ───────────────────────────────────────────────────────────────

function fieldOfTarget(target: EventTarget | null): Field | undefined {
  if (!(target instanceof HTMLInputElement) || !open) return undefined
  return open.form.fields.get(target.name)
}

function changed() {
  if (!open) return
  open.server = []
  keepLocalCopy()
  update()
}

$('#document').addEventListener('input', (event) => {
  const field = fieldOfTarget(event.target)
  if (field) open!.touched.add(field.cell.code)
  changed()
})
$('#document').addEventListener('change', changed)
$('#document').addEventListener('submit', (event) => event.preventDefault())

const KEYS: Record<string, 'up' | 'down' | 'left' | 'right'> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right'
}

$('#document').addEventListener('keydown', (event) => {
  const field = fieldOfTarget(event.target)
  if (!field || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return
  const input = field.input
  let direction = KEYS[event.key]
  if (event.key === 'Enter') direction = event.shiftKey ? 'up' : 'down'
  // Left and right move out of a cell only from the edge of its text, as in a spreadsheet.
  if (direction === 'left' && (input.selectionStart !== 0 || input.selectionEnd !== 0)) return
  if (
    direction === 'right' &&
    (input.selectionStart !== input.value.length || input.selectionEnd !== input.value.length)
  )
    return
  if (!direction) return
  event.preventDefault()
  const next = open!.form.neighbour(field, direction)
  if (next) {
    next.input.focus()
    next.input.select()
  }
})

/** Sets several inputs at once, as one step that 撤销 reverts. */
function batch(changes: Map<Field, string>) {
  if (!open || changes.size === 0) return
  const before: Record<string, string> = {}
  for (const [field, text] of changes) {
    before[field.cell.code] = field.input.value
    field.input.value = text
    open.touched.add(field.cell.code)
  }
  open.undo.push(before)
  $<HTMLButtonElement>('#undo').disabled = false
  changed()
}

$('#undo').addEventListener('click', () => {
  const before = open?.undo.pop()
  if (!open || !before) return
  for (const [code, text] of Object.entries(before)) open.form.fields.get(code)!.input.value = text
  $<HTMLButtonElement>('#undo').disabled = open.undo.length === 0
  changed()
})

$('#document').addEventListener('paste', (event) => {
  const field = fieldOfTarget(event.target)
  const text = event.clipboardData?.getData('text/plain') ?? ''
  if (!field || field.input.readOnly || !/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return
  event.preventDefault()
  let rows = text
    .replace(/\r\n?/g, '\n')
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => line.split('\t'))
  // A block copied with its row labels: the label column is skipped.
  if (rows.every((cells) => cells.length > 1 && /[^\d\s.,，+\-−/—无]/u.test(cells[0]!.normalize('NFKC'))))
    rows = rows.map((cells) => cells.slice(1))
  const changes = new Map<Field, string>()
  let refused = 0
  rows.forEach((cells, i) =>
    cells.forEach((cell, j) => {
      const target = open!.form.offset(field, i, j)
      const reading = target && readFieldText(target, cell)
      if (target && reading !== undefined) changes.set(target, reading)
      else refused++
    })
  )
  batch(changes)
  banner(
    `已粘贴 ${changes.size} 格${refused > 0 ? `，${refused} 格未接受（超出表格或不是这一格能填的数）` : ''}。可用“撤销”还原。`,
    refused > 0 ? 'warning' : 'info'
  )
})

/** A pasted text for a cell, trimmed; undefined when it cannot be that cell's figure. */
function readFieldText(field: Field, text: string): string | undefined {
  const trimmed = text.trim()
  return 'invalid' in readField(field.cell, trimmed) ? undefined : trimmed
}

$('#fill-zero').addEventListener('click', () => {
  if (!open) return
  const blanks = new Map<Field, string>()
  for (const field of open.form.fields.values())
    if (field.input.value.trim() === '' && !field.input.readOnly) blanks.set(field, '0')
  batch(blanks)
  banner(`已将 ${blanks.size} 个空白格填为 0。可用“撤销”还原。`)
})

$('#from-last-year').addEventListener('click', () => {
  if (!open) return
  const previous = open.previous
  if (!previous) return banner(`没有${open.year - 1}年度的报告可带入。`, 'warning')
  const changes = new Map<Field, string>()
  for (const field of open.form.fields.values()) {
    const [table, row, column] = field.cell.path
    if (table !== 'requests' || row !== 'carriedOver') continue
    const last = (previous.requests.carriedForward as Record<string, unknown> | undefined)?.[column!]
    changes.set(field, typeof last === 'number' ? String(last) : '')
  }
  batch(changes)
  banner(`已从${previous.year}年度报告的“结转下年度继续办理”带入“上年结转政府信息公开申请数量”。`)
})

function switchTemplate(template: TemplateId) {
  if (!open || open.form.template === template) return
  const { values } = open.form.read()
  const form = new ReportForm($('#tables'), template)
  // Cells of the same code mean the same thing in both templates (三 and 四): they are kept.
  form.fill(open.form.tables(values))
  open.form = form
  $<HTMLSelectElement>('#template').value = template
}

$<HTMLSelectElement>('#template').addEventListener('change', (event) => {
  switchTemplate((event.target as HTMLSelectElement).value as TemplateId)
  changed()
})

// ─── Import of a published report ──────────────────────────────────────────────────────────

const FILE_TYPES: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
}

interface Imported {
  report: Partial<Report> & Tables
  parse: { cellsFound: number; cellsExpected: number; notes: string[] }
}

async function runImport(body: BodyInit, type: string) {
  if (!open) return
  const result = $('#import-result')
  result.textContent = '正在识别……'
  try {
    const { body: imported } = await api<Imported>(`v1/imports?unit=${open.unit}&year=${open.year}`, {
      method: 'POST',
      body,
      type
    })
    const before = Object.fromEntries([...open.form.fields].map(([code, f]) => [code, f.input.value]))
    if (imported.report.template) switchTemplate(imported.report.template)
    open.form.fill(imported.report)
    fillDocument(imported.report)
    open.undo.push(before)
    $<HTMLButtonElement>('#undo').disabled = false
    touchFilled()
    changed()
    const { cellsFound, cellsExpected, notes } = imported.parse
    result.replaceChildren(
      `已识别 ${cellsFound}/${cellsExpected} 格，已填入本页，尚未保存。请逐项核对后保存或提交。`,
      ...(notes.length > 0 ? [el('ul', {}, ...notes.map((note) => el('li', {}, note)))] : [])
    )
  } catch (error) {
    result.textContent = `无法识别：${explain(error)}`
  }
}

$<HTMLInputElement>('#import-file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0]
  if (!file) return
  const extension = file.name.split('.').pop()?.toLowerCase() ?? ''
  void runImport(file, FILE_TYPES[extension] ?? 'application/octet-stream')
})

$('#import-run').addEventListener('click', () => {
  const text = $<HTMLTextAreaElement>('#import-text').value
  if (text.trim()) void runImport(text, /^\s*</.test(text) ? 'text/html' : 'text/plain')
})

// ─── Saving ────────────────────────────────────────────────────────────────────────────────

async function save(status: 'draft' | 'submitted') {
  if (!open) return
  const { report, invalid } = currentReport(status)
  if (invalid.length > 0) {
    for (const { field } of invalid) open.touched.add(field.cell.code)
    update()
    invalid[0]!.field.input.focus()
    return banner(`有 ${invalid.length} 格不是有效的数，请先改正。`, 'error')
  }
  const reason = $<HTMLInputElement>('#amendment-reason').value.trim()
  const { unit: _unit, year: _year, ...body } = report
  const headers: Record<string, string> = open.etag ? { 'if-match': open.etag } : { 'if-none-match': '*' }
  try {
    const { body: result } = await api<SubmissionResult>(`v1/reports/${open.unit}/${open.year}`, {
      method: 'PUT',
      json: reason ? { ...body, amendmentReason: reason } : body,
      headers
    })
    dropLocalCopy()
    const done = open
    await openReport(done.unit, done.year)
    if (!open) return
    open.server = [...result.errors, ...result.warnings]
    update()
    const what = result.unchanged
      ? '内容与已保存的相同，未产生新版本。'
      : status === 'draft'
        ? `草稿已保存（第 ${result.revision} 版）。`
        : `已提交（第 ${result.revision} 版），等待区县审核。`
    banner(what + (result.warnings.length > 0 ? `服务器提示 ${result.warnings.length} 项，见上方。` : ''), 'info')
  } catch (error) {
    failed(error)
  }
}

function failed(error: unknown) {
  if (!(error instanceof ApiError)) return banner(explain(error), 'error')
  const problem: Problem = error.problem
  if (error.status === 412) {
    return banner('其他人已先保存了这份报告（可能在另一个标签页或另一台电脑上）。本页的修改仍保留在本机。', 'error', [
      ['重新载入服务器上的版本', () => open && void openReport(open.unit, open.year)]
    ])
  }
  if (error.status === 422 && problem.code === 'REPORT_INVALID' && open) {
    open.server = (problem.errors ?? []) as Violation[]
    for (const v of open.server) for (const p of v.cells) open.touched.add(pointerToCode(p))
    update()
    return banner(`未提交：有 ${open.server.length} 项错误，已在表中标出。可先保存草稿。`, 'error')
  }
  if (error.status === 400 && problem.errors) {
    const fields = problem.errors.map((e) => `${e.pointer ?? ''} ${typeof e.message === 'string' ? e.message : ''}`)
    return banner(`未保存：${fields.join('；')}`, 'error')
  }
  banner(explain(error), 'error')
}

$('#save-draft').addEventListener('click', () => void save('draft'))
$('#submit').addEventListener('click', () => void save('submitted'))

tokenBox($('#session'), (token) => void showPicker(token))
