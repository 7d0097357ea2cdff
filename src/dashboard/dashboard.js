// The dashboard: reads only the public API (what it shows, a dashboard builder can fetch too).
'use strict'

const $ = (selector) => document.querySelector(selector)
const api = async (path) => {
  const response = await fetch(path)
  if (!response.ok) throw new Error(`${path}: ${response.status}`)
  return response.json()
}
const percent = (value) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`)
const text = (value) => String(value).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])
const STATE = { missing: '未报送', draft: '草稿', returned: '被退回', submitted: '已报送', accepted: '已审核' }

const params = new URLSearchParams(location.search)
const state = { code: params.get('code') || '350803', year: Number(params.get('year')) || 0 }
const charts = { trend: echarts.init($('#trend')), largest: echarts.init($('#largest')) }
window.ogiCharts = charts // for browser tests and for anyone poking at the page

function go(code, year) {
  state.code = code
  state.year = year ?? state.year
  history.replaceState(null, '', `?code=${state.code}&year=${state.year}`)
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
  $('#year').innerHTML = series.items.map((i) => `<option ${i.year === state.year ? 'selected' : ''}>${i.year}</option>`).join('')
  const trail = await path(state.code)
  $('#path').innerHTML = trail.map((d) => `<a href="?code=${d.code}&year=${state.year}" data-code="${d.code}">${text(d.name)}</a>`).join(' › ')
  $('#q').value = trail.at(-1).name

  const year = series.items.find((i) => i.year === state.year) ?? series.items.at(-1)
  const c = year.coverage
  const card = (label, n, warn) => `<div class="card${warn ? ' warn' : ''}"><div class="n">${n}</div><div class="k">${label}</div></div>`
  $('#coverage').innerHTML = [
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
  ].join('')
  const base = `/v1/aggregates/${state.code}/${state.year}`
  $('#links').innerHTML = `汇总报告：<a href="${base}/report.html">网页（可打印）</a> · <a href="${base}/report.md">Markdown</a> · <a href="${base}/report.csv">CSV</a> · <a href="${base}">JSON</a> · <a href="/v1/exports/reports.csv?year=${state.year}${state.code === 'cn' ? '' : `&under=${state.code}`}&labels=zh">全部报告（CSV）</a>`

  const years = series.items.map((i) => String(i.year))
  const line = (name, key) => ({ name, type: 'line', smooth: true, data: series.items.map((i) => (i.indicators[key] === null ? null : Number((i.indicators[key] * 100).toFixed(1)))) })
  charts.trend.setOption(
    {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: years },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [line('公开率', 'disclosureRate'), line('复议纠错率', 'reconsiderationCorrectionRate'), line('诉讼纠错率', 'litigationCorrectionRate'), line('结转率', 'backlogRate')]
    },
    true
  )

  const children = state.code.length === 9 ? { items: [] } : await api(`${base}?groupBy=child`)
  const top = children.items
    .map((i) => ({ code: i.scope.code, name: i.scope.name, received: i.requests.received.total, reported: i.coverage.submitted }))
    .sort((a, b) => b.received - a.received)
    .slice(0, 10)
    .reverse()
  charts.largest.setOption(
    {
      tooltip: { trigger: 'axis' },
      grid: { left: 110, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: top.map((t) => t.name) },
      series: [{ name: '本年新收申请', type: 'bar', data: top.map((t) => ({ value: t.received, code: t.code })), itemStyle: { color: '#b71c1c' } }]
    },
    true
  )

  const [missing, late, drafts] = await Promise.all(
    ['missing', 'late', 'draft'].map((s) => api(`/v1/coverage/${state.code}/${state.year}?state=${s}&limit=50`))
  )
  const rows = [...late.items, ...missing.items, ...drafts.items]
  $('#missing tbody').innerHTML =
    rows
      .map((u) => {
        const name = u.revision ? `<a href="/v1/reports/${u.code}/${state.year}">${text(u.name)}</a>` : text(u.name)
        const label = u.onTime === false ? '逾期' : STATE[u.state]
        return `<tr><td>${name}</td><td>${label}</td><td>${u.submittedAt ? u.submittedAt.slice(0, 10) : '—'}</td></tr>`
      })
      .join('') || '<tr><td colspan="3">全部按时报送</td></tr>'

  const findings = await api(`/v1/quality/${state.code}/${state.year}?state=open&limit=30`)
  $('#findings tbody').innerHTML =
    findings.items
      .map((f) => `<tr><td><a href="/v1/reports/${f.unit}/${state.year}">${text(f.unitName)}</a></td><td>${text(f.rule)}</td><td>${text(f.message.zh)}</td></tr>`)
      .join('') || '<tr><td colspan="3">没有待核实的问题</td></tr>'
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
    $('#divisions').innerHTML = found.items.filter((d) => d.level !== 'township').map((d) => `<option value="${text(d.name)}" data-code="${d.code}">${d.code}</option>`).join('')
  }, 200)
})
$('#pick').addEventListener('submit', (event) => event.preventDefault())
window.addEventListener('resize', () => Object.values(charts).forEach((chart) => chart.resize()))
render().catch(showError)
