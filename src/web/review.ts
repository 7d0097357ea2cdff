// 审核: the district reviewer's queue. The submitted reports under the token's division, the
// longest waiting first; one opened shows as on the form with its findings and what changed
// since the previous revision, and is accepted (通过) or returned with a comment (退回).
import type { CellChange, Report, ReportStatus } from '../domain/report.js'
import type { Violation } from '../domain/rules.js'
import { ALL_CELLS, FIRST_REPORT_YEAR } from '../domain/templates.js'
import { $, api, el, explain, STATUS_NAMES, tokenBox, when, type Review, type TokenInfo } from './common.js'
import { ReportForm } from './form.js'

interface QueueItem {
  unit: string
  unitName: string
  year: number
  revision: number
  template: string
  waitingSince: string
  errorCount: number
  warningCount: number
  openFindings: number
  lastReview: Review | null
}

interface StoredReport extends Omit<Report, 'status'> {
  revision: number
  status: ReportStatus
  errors: Violation[]
  warnings: Violation[]
  submittedAt: string | null
  onTime: boolean | null
}

const LABELS = new Map(ALL_CELLS.map((cell) => [cell.code, cell.zh]))
const FIELD_NAMES: Record<string, string> = {
  'narrative.overview': '一、总体情况',
  'narrative.problems': '五、存在的主要问题及改进情况',
  'narrative.other': '六、其他需要报告的事项',
  template: '表格格式',
  status: '状态'
}

let who: TokenInfo | null = null
let opened: { unit: string; year: number } | null = null

function banner(message: string, kind: 'info' | 'error' = 'info') {
  $('#banner').replaceChildren(...(message ? [el('div', { class: `banner ${kind}` }, message)] : []))
}

function start(token: TokenInfo | null) {
  who = token
  const filter = $<HTMLFormElement>('#filter')
  const reviewer = token !== null && token.role !== 'unit'
  filter.hidden = !reviewer
  $('#hint').hidden = reviewer
  if (token?.role === 'unit') $('#hint').textContent = '填报单位的令牌不能审核，请使用区县审核令牌。'
  if (!reviewer) {
    $('#queue').replaceChildren()
    $('#detail').hidden = true
    return
  }
  const under = $<HTMLInputElement>('#under')
  under.value = token.scope ?? ''
  under.readOnly = token.role !== 'admin'
  const years: number[] = []
  for (let year = new Date().getFullYear(); year >= FIRST_REPORT_YEAR; year--) years.push(year)
  $<HTMLSelectElement>('#year').replaceChildren(
    el('option', { value: '' }, '全部年度'),
    ...years.map((y) => el('option', { value: y }, `${y}年度`))
  )
  void refresh()
}

$<HTMLFormElement>('#filter').addEventListener('submit', (event) => {
  event.preventDefault()
  void refresh()
})

async function refresh() {
  const under = $<HTMLInputElement>('#under').value.trim()
  if (!who || !under) return
  const year = $<HTMLSelectElement>('#year').value
  try {
    const items: QueueItem[] = []
    let cursor: string | null = null
    do {
      const query: URLSearchParams = new URLSearchParams({
        under,
        limit: '200',
        ...(year ? { year } : {}),
        ...(cursor ? { cursor } : {})
      })
      const answer: { body: { items: QueueItem[]; nextCursor: string | null } } = await api(
        `v1/review-queue?${query.toString()}`
      )
      const body = answer.body
      items.push(...body.items)
      cursor = body.nextCursor
    } while (cursor)
    showQueue(items)
  } catch (error) {
    banner(explain(error), 'error')
  }
}

function showQueue(items: QueueItem[]) {
  const queue = $('#queue')
  if (items.length === 0) return queue.replaceChildren(el('p', { id: 'queue-empty' }, '没有待审核的报告。'))
  const rows = items.map((item) => {
    const button = el('button', { type: 'button', 'data-unit': item.unit, 'data-year': item.year }, '打开')
    button.addEventListener('click', () => void openReport(item.unit, item.year))
    const returned = item.lastReview?.action === 'return' ? `曾退回：${item.lastReview.comment ?? ''}` : ''
    return el(
      'tr',
      { 'data-unit': item.unit, 'data-year': item.year },
      el('td', {}, `${item.unitName}（${item.unit}）`),
      el('td', {}, item.year),
      el('td', {}, `第 ${item.revision} 版`),
      el('td', {}, when(item.waitingSince)),
      el('td', { class: item.errorCount > 0 ? 'error' : '' }, item.errorCount),
      el('td', { class: item.warningCount > 0 ? 'warning' : '' }, item.warningCount),
      el('td', {}, item.openFindings),
      el('td', {}, returned),
      el('td', {}, button)
    )
  })
  queue.replaceChildren(
    el(
      'table',
      { class: 'queue' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['单位', '年度', '版本', '报送时间', '错误', '提示', '未处理', '审核记录', ''].map((h) => el('th', {}, h))
        )
      ),
      el('tbody', {}, ...rows)
    ),
    el('p', { class: 'muted' }, `共 ${items.length} 份待审核，按报送先后排列。`)
  )
}

async function openReport(unit: string, year: number) {
  try {
    const { body: report } = await api<StoredReport>(`v1/reports/${unit}/${year}`)
    const { body: diff } = await api<{ from: number | null; changes: CellChange[] }>(
      `v1/reports/${unit}/${year}/revisions/${report.revision}/diff`
    )
    const { body: division } = await api<{ name: string }>(`v1/divisions/${unit}`)
    opened = { unit, year }
    $('#detail').hidden = false
    $('#detail-title').textContent = `${division.name}${year}年政府信息公开工作年度报告`
    $('#detail-status').textContent =
      `第 ${report.revision} 版 · ${STATUS_NAMES[report.status] ?? report.status} · 首次报送 ${when(report.submittedAt)}` +
      (report.onTime === false ? ' · 逾期报送' : '')
    const form = new ReportForm($('#tables'), report.template)
    form.fill(report)
    form.setReadOnly(true)
    const findings = [...report.errors, ...report.warnings]
    form.mark(findings, [])
    showFindings(findings)
    showDiff(diff, form)
    showProse(report)
    $<HTMLTextAreaElement>('#comment').value = ''
    $('#detail').scrollIntoView()
  } catch (error) {
    banner(explain(error), 'error')
  }
}

function showFindings(findings: Violation[]) {
  $('#detail-findings').replaceChildren(
    findings.length === 0
      ? el('p', {}, '没有校验提示。')
      : el(
          'ul',
          {},
          ...findings.map((v) =>
            el('li', { class: v.severity }, `${v.severity === 'error' ? '错误' : '提示'}（${v.rule}）：${v.message.zh}`)
          )
        )
  )
}

/** What changed since the previous revision, as a list and as marks on the changed cells. */
function showDiff(diff: { from: number | null; changes: CellChange[] }, form: ReportForm) {
  const box = $('#detail-diff')
  if (diff.from === null) return box.replaceChildren(el('p', {}, '这是第一版。'))
  const shown = diff.changes.filter((c) => c.cell !== 'status')
  for (const change of shown) form.fields.get(change.cell)?.td.classList.add('changed')
  const text = (v: CellChange['old']) => (v === null ? '（空）' : String(v))
  box.replaceChildren(
    el('h3', {}, `与第 ${diff.from} 版相比，${shown.length} 处改动`),
    ...(shown.length > 0
      ? [
          el(
            'table',
            { class: 'diff' },
            el('tr', {}, el('th', {}, '项目'), el('th', {}, '原值'), el('th', {}, '新值')),
            ...shown.map((c) =>
              el(
                'tr',
                {},
                el('td', {}, LABELS.get(c.cell) ?? FIELD_NAMES[c.cell] ?? c.cell),
                el('td', {}, text(c.old)),
                el('td', {}, text(c.new))
              )
            )
          )
        ]
      : [])
  )
}

function showProse(report: StoredReport) {
  const part = (title: string, text: string | null | undefined) =>
    el('section', { class: 'prose' }, el('h3', {}, title), el('p', {}, text ?? '（未填写）'))
  $('#detail-prose').replaceChildren(
    part('一、总体情况', report.narrative?.overview),
    part('五、存在的主要问题及改进情况', report.narrative?.problems),
    part('六、其他需要报告的事项', report.narrative?.other)
  )
}

async function decide(action: 'accept' | 'return') {
  if (!opened) return
  const comment = $<HTMLTextAreaElement>('#comment').value.trim()
  if (action === 'return' && !comment) {
    $<HTMLTextAreaElement>('#comment').focus()
    return banner('退回须填写审核意见，说明需要改正的内容。', 'error')
  }
  const { unit, year } = opened
  try {
    await api(`v1/reports/${unit}/${year}/review`, {
      method: 'POST',
      json: comment ? { action, comment } : { action }
    })
    opened = null
    $('#detail').hidden = true
    banner(action === 'accept' ? `已通过：${unit} ${year}年度。` : `已退回：${unit} ${year}年度。`)
    await refresh()
  } catch (error) {
    banner(explain(error), 'error')
  }
}

$('#accept').addEventListener('click', () => void decide('accept'))
$('#return').addEventListener('click', () => void decide('return'))

tokenBox($('#session'), start)
