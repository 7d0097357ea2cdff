// The dashboard: reads only the public API (what it shows, a dashboard builder can fetch too).
'use strict'

// Nothing read from the address bar or the API is ever put into the page as markup: elements are
// made with the DOM (el) and text is set as text. Paths are relative, so that the page works
// under any prefix a reverse proxy mounts it at.
const $ = (selector) => document.querySelector(selector)
const api = async (path) => {
  const response = await fetch(path.replace(/^\//, ''))
  if (!response.ok) throw new Error(`${path}: ${response.status}`)
  return response.json()
}
const percent = (value) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`)

/** An element with attributes (`class`, `href`, `data-*` …) and children (nodes or text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value))
  node.append(...children.map((child) => (typeof child === 'object' ? child : document.createTextNode(String(child)))))
  return node
}
const fill = (selector, nodes) => $(selector).replaceChildren(...nodes)
/** Relative link into the API (`v1/…`), so that it follows the page's prefix. */
const link = (path, label) => el('a', { href: path.replace(/^\//, '') }, label)
const STATE = { missing: '未报送', draft: '草稿', returned: '被退回', submitted: '已报送', accepted: '已审核' }

// The address bar is input like any other: a code of a known shape and a plausible year, or the defaults.
const CODE = /^(?:cn|\d{2}|\d{4}|\d{6}|\d{9})$/
const params = new URLSearchParams(location.search)
const givenYear = Number(params.get('year'))
const state = {
  code: CODE.test(params.get('code') ?? '') ? params.get('code') : '350803',
  year: Number.isInteger(givenYear) && givenYear >= 2019 && givenYear <= 2100 ? givenYear : 0
}
const charts = { trend: echarts.init($('#trend')), largest: echarts.init($('#largest')) }
window.ogiCharts = charts // for browser tests and for anyone poking at the page

function go(code, year) {
  if (!CODE.test(code)) return
  state.code = code
  state.year = year ?? state.year
  history.replaceState(null, '', `?${new URLSearchParams({ code: state.code, year: String(state.year) })}`)
  render().catch(showError)
}

function showError(error) {
  $('#links').textContent = `加载失败：${error.message}`
}

async function path(code) {
  if (code === 'cn') return [{ code: 'cn', name: '全国' }]
  const division = await api(`/v1/divisions/${code}`)
  return [{ code: 'cn', name: '全国' }, ...division.path]
}

async function render() {
  const thisYear = new Date().getFullYear()
  const series = await api(`/v1/aggregates/${state.code}?from=${Math.max(2019, thisYear - 7)}&to=${thisYear}`)
  if (!state.year) {
    const withData = series.items.filter((i) => i.coverage.submitted > 0).map((i) => i.year)
    state.year = withData.at(-1) ?? thisYear - 1
  }
  fill(
    '#year',
    series.items.map((i) => el('option', { selected: i.year === state.year }, i.year))
  )
  const trail = await path(state.code)
  fill(
    '#path',
    trail.flatMap((d, i) => [
      ...(i > 0 ? [' › '] : []),
      el(
        'a',
        { href: `?${new URLSearchParams({ code: d.code, year: String(state.year) })}`, 'data-code': d.code },
        d.name
      )
    ])
  )
  $('#q').value = trail.at(-1).name

  const year = series.items.find((i) => i.year === state.year) ?? series.items.at(-1)
  const c = year.coverage
  const card = (label, n, warn) =>
    el('div', { class: warn ? 'card warn' : 'card' }, el('div', { class: 'n' }, n), el('div', { class: 'k' }, label))
  fill('#coverage', [
    card('应报送', c.expected),
    card('已报送', c.submitted),
    card('已审核', c.accepted),
    card('按时', c.onTime),
    card('逾期', c.late, c.late > 0),
    card('未报送', c.missing, c.missing > 0),
    card('公开率', percent(year.indicators.disclosureRate)),
    card('复议纠错率', percent(year.indicators.reconsiderationCorrectionRate)),
    card('诉讼纠错率', percent(year.indicators.litigationCorrectionRate)),
    card('结转率', percent(year.indicators.backlogRate))
  ])
  const base = `v1/aggregates/${state.code}/${state.year}`
  const everyReport = new URLSearchParams({
    year: String(state.year),
    ...(state.code === 'cn' ? {} : { under: state.code }),
    labels: 'zh'
  })
  const workbook = new URLSearchParams({
    year: String(state.year),
    ...(state.code === 'cn' ? {} : { under: state.code })
  })
  fill('#links', [
    '汇总报告：',
    link(`${base}/report.html`, '网页（可打印）'),
    ' · ',
    link(`${base}/report.docx`, 'Word'),
    ' · ',
    link(`${base}/report.md`, 'Markdown'),
    ' · ',
    link(`${base}/report.csv`, 'CSV'),
    ' · ',
    link(base, 'JSON'),
    ' · ',
    link(`v1/exports/reports.csv?${everyReport}`, '全部报告（CSV）'),
    ' · ',
    link(`v1/exports/reports.xlsx?${workbook}`, '全部报告（Excel）')
  ])

  const years = series.items.map((i) => String(i.year))
  const line = (name, key) => ({
    name,
    type: 'line',
    smooth: true,
    data: series.items.map((i) => (i.indicators[key] === null ? null : Number((i.indicators[key] * 100).toFixed(1))))
  })
  charts.trend.setOption(
    {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: years },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [
        line('公开率', 'disclosureRate'),
        line('复议纠错率', 'reconsiderationCorrectionRate'),
        line('诉讼纠错率', 'litigationCorrectionRate'),
        line('结转率', 'backlogRate')
      ]
    },
    true
  )

  const children = state.code.length === 9 ? { items: [] } : await api(`${base}?groupBy=child`)
  const top = children.items
    .map((i) => ({
      code: i.scope.code,
      name: i.scope.name,
      received: i.requests.received.total,
      reported: i.coverage.submitted
    }))
    .sort((a, b) => b.received - a.received)
    .slice(0, 10)
    .reverse()
  charts.largest.setOption(
    {
      tooltip: { trigger: 'axis' },
      grid: { left: 110, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map((t) => t.name) },
      series: [
        {
          name: '本年新收申请',
          type: 'bar',
          data: top.map((t) => ({ value: t.received, code: t.code })),
          itemStyle: { color: '#b71c1c' }
        }
      ]
    },
    true
  )

  const [missing, late, drafts] = await Promise.all(
    ['missing', 'late', 'draft'].map((s) => api(`/v1/coverage/${state.code}/${state.year}?state=${s}&limit=50`))
  )
  const rows = [...late.items, ...missing.items, ...drafts.items]
  const none = (message) => [el('tr', {}, el('td', { colspan: 3 }, message))]
  fill(
    '#missing tbody',
    rows.length === 0
      ? none('全部按时报送')
      : rows.map((u) =>
          el(
            'tr',
            {},
            el('td', {}, u.revision ? link(`v1/reports/${u.code}/${state.year}`, u.name) : u.name),
            el('td', {}, u.onTime === false ? '逾期' : STATE[u.state]),
            el('td', {}, u.submittedAt ? u.submittedAt.slice(0, 10) : '—')
          )
        )
  )

  const findings = await api(`/v1/quality/${state.code}/${state.year}?state=open&limit=30`)
  fill(
    '#findings tbody',
    findings.items.length === 0
      ? none('没有待核实的问题')
      : findings.items.map((f) =>
          el(
            'tr',
            {},
            el('td', {}, link(`v1/reports/${f.unit}/${state.year}`, f.unitName)),
            el('td', {}, f.rule),
            el('td', {}, f.message.zh)
          )
        )
  )
  document.body.dataset.loaded = `${state.code}/${state.year}`
}

charts.largest.on('click', (event) => event.data?.code && go(event.data.code))
$('#path').addEventListener('click', (event) => {
  const code = event.target.dataset?.code
  if (code) {
    event.preventDefault()
    go(code)
  }
})
$('#year').addEventListener('change', (event) => go(state.code, Number(event.target.value)))
let searching
$('#q').addEventListener('input', (event) => {
  clearTimeout(searching)
  const q = event.target.value.trim()
  const known = [...$('#divisions').options].find((o) => o.value === q)
  if (known) return go(known.dataset.code)
  if (!q) return
  searching = setTimeout(async () => {
    const found = await api(`/v1/divisions?q=${encodeURIComponent(q)}&limit=20`)
    fill(
      '#divisions',
      found.items
        .filter((d) => d.level !== 'township')
        .map((d) => el('option', { value: d.name, 'data-code': d.code }, d.code))
    )
  }, 200)
})
$('#pick').addEventListener('submit', (event) => event.preventDefault())
window.addEventListener('resize', () => Object.values(charts).forEach((chart) => chart.resize()))
render().catch(showError)
