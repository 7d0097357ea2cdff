// Pages built to make an importer slow or large: each within the 2 MiB body limit, each aimed at
// one place a naive reader grows faster than its input. Used by the hostile suite (every one must
// be refused or read, never a 5xx) and by `npm run bench -- import-worst` (time and memory).
import { readFileSync } from 'node:fs'

export interface ImportBomb {
  name: string
  contentType: 'text/plain' | 'text/html'
  body: string
}

const LIMIT = 2 * 1024 * 1024
const TEXT = readFileSync(new URL('../../test/fixtures/fengshi-2020.txt', import.meta.url), 'utf8')
const HTML = readFileSync(new URL('../../test/fixtures/fengshi-2020.html', import.meta.url), 'utf8')

/** `unit` repeated to fill about `bytes` of UTF-8. */
const fill = (unit: string, bytes: number) => unit.repeat(Math.floor(bytes / Buffer.byteLength(unit)))

export function importBombs(): ImportBomb[] {
  const room = LIMIT - Buffer.byteLength(TEXT) - 1024
  return [
    {
      name: 'span bomb: 3,000 cells of rowspan and colspan 100',
      contentType: 'text/html',
      body: `<table><tr>${fill('<td rowspan=100 colspan=100>1</td>', 110_000)}</tr></table>`
    },
    {
      name: 'span bomb: a real report, every cell spanning 100 × 100',
      contentType: 'text/html',
      body: HTML.replace(/<td/g, '<td rowspan="100" colspan="100"')
    },
    {
      name: 'span bomb: colspan 10^9',
      contentType: 'text/html',
      body: `<table>${fill('<tr><td colspan=999999999>1</td></tr>', LIMIT - 100)}</table>`
    },
    { name: 'one 2 MiB line of text', contentType: 'text/plain', body: fill('2020年政府信息公开', LIMIT - 16) },
    {
      name: 'a report with a 2 MiB title-like line',
      contentType: 'text/plain',
      body: `${fill('2020年度政府信息公开工作年度', room)}\n${TEXT}`
    },
    {
      name: 'a report with a 2 MiB signature-like line',
      contentType: 'text/plain',
      body: TEXT.replace('六、', `六、\n${fill('人民政府', room)}\n2021年1月20日\n`)
    },
    {
      name: '10,000-deep nesting',
      contentType: 'text/html',
      body: `${'<div>'.repeat(10_000)}x${'</div>'.repeat(10_000)}`
    },
    { name: '10,000-deep nested tables', contentType: 'text/html', body: `${'<table><tr><td>'.repeat(10_000)}x` },
    {
      name: '100,000 tiny HTML cells',
      contentType: 'text/html',
      body: `<table><tr>${fill('<td>1</td>', LIMIT - 100)}</tr></table>`
    },
    { name: '100,000 tiny text cells', contentType: 'text/plain', body: fill('|1', LIMIT - 10) },
    {
      name: 'a flood of header words (HTML)',
      contentType: 'text/html',
      body: `<table><tr>${fill('<td>本年新制作数量</td>', LIMIT - 100)}</tr></table>`
    },
    { name: 'a flood of header words (text)', contentType: 'text/plain', body: fill('本年新制作数量 |\n', LIMIT - 10) },
    {
      name: 'a report followed by 19,000 label-like cells',
      contentType: 'text/plain',
      body: TEXT + Array.from({ length: 19_000 }, (_, i) => `(${i})其他对外管理服务事项${i} |`).join('\n')
    },
    {
      name: 'pathological numerals and units',
      contentType: 'text/plain',
      body: `${TEXT}\n| ${fill(`${'9'.repeat(400)}.${'9'.repeat(400)}万元 |`, room)}`
    },
    { name: '200,000 lines', contentType: 'text/plain', body: fill('一、总体情况\n', LIMIT - 10) },
    { name: '700,000 unclosed tags', contentType: 'text/html', body: fill('<p>', LIMIT - 10) },
    { name: 'a million unterminated tag starts', contentType: 'text/html', body: fill('<a', LIMIT - 10) }
  ]
}
