// The prose of a published report: title, year, document number, organ, date, contact block,
// and the text of parts 一, 五 and 六.
import type { Narrative, ReportMeta } from '../report.js'

const HEADINGS: Array<{
  part: 'overview' | 'proactive' | 'requests' | 'appeals' | 'problems' | 'other'
  pattern: RegExp
}> = [
  { part: 'overview', pattern: /^一、.*总体情况/ },
  { part: 'proactive', pattern: /^二、.*主动公开/ },
  { part: 'requests', pattern: /^三、.*(收到和处理|依申请)/ },
  { part: 'appeals', pattern: /^四、.*(复议|诉讼)/ },
  { part: 'problems', pattern: /^五、.*(问题|改进)/ },
  { part: 'other', pattern: /^六、.*其他/ }
]

/** Page furniture that follows the report on government sites. */
const CHROME = /^(扫一扫|打印本页|关闭窗口|【|分享到|相关链接|上一篇|下一篇|责任编辑|来源[:：])/
// A signature: a government, a township's office, or a department (局, 委员会, 办公室, 中心 …).
const ORGAN = /(人民政府|办事处|政府|委员会|管理委员会|局|办公室|中心|厅)$/
const DATE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/
// 「…2020年政府信息公开工作年度报告」 (or 「…2020年度政府信息公开工作报告」).
const TITLE = /(\d{4})\s*年(?:度)?\s*(?:政府信息公开|政务公开).*报告/
// A title that states no year: an organ's name, then the words, in Chinese only (no breadcrumb).
const YEARLESS_TITLE = /^[\u4e00-\u9fa5（）()]{2,40}(?:政府信息公开|政务公开)[\u4e00-\u9fa5]*报告$/
// 「本报告中所列数据的统计期限自2020年1月1日起至12月31日止」 (the second year is often left out).
const PERIOD = /(\d{4})年1月1日(?:起)?至(?:\1年)?12月31日/

/** The report year as each place of the page states it (null where it does not). */
export interface StatedYears {
  title: number | null
  /** The statistical period (统计期限). */
  period: number | null
  /** The year before the document's date: reports are published early in the next year. */
  date: number | null
}

export interface Prose {
  title: string | null
  years: StatedYears
  meta: ReportMeta
  narrative: Narrative
  notes: string[]
}

const isoDate = (match: RegExpExecArray) => `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`

export function readProse(lines: readonly string[]): Prose {
  const notes: string[] = []
  const heading = (line: string) => HEADINGS.find((h) => h.pattern.test(line.normalize('NFKC')))?.part
  // Length first: the title pattern backtracks on long lines.
  const dated = lines.find((line) => line.length <= 80 && TITLE.test(line))
  const title = dated ?? lines.find((line) => line.length <= 60 && YEARLESS_TITLE.test(line)) ?? null
  const titleYear = dated ? Number(TITLE.exec(dated)![1]) : null
  const period = lines.map((l) => PERIOD.exec(l.normalize('NFKC'))).find(Boolean)
  const periodYear = period ? Number(period[1]) : null

  // Parts by heading; part 六 ends at the signature (organ, then date) or the page's furniture.
  const parts = new Map<string, string[]>()
  let current: string | undefined
  let signature: { organ: string | null; date: string | null } = { organ: null, date: null }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const part = heading(line)
    if (part) {
      current = part
      parts.set(part, [])
      continue
    }
    if (current === 'other') {
      const date = DATE.exec(lines[i + 1] ?? '')
      if ((line.length <= 40 && ORGAN.test(line) && date) || DATE.test(line) || CHROME.test(line)) {
        if (line.length <= 40 && ORGAN.test(line) && date) signature = { organ: line, date: isoDate(date) }
        else if (DATE.test(line)) signature.date = isoDate(DATE.exec(line)!)
        current = undefined
        continue
      }
    }
    if (current) parts.get(current)!.push(line)
  }
  const text = (part: string) => {
    const body = parts.get(part)
    return body && body.length > 0 ? body.join('\n') : null
  }

  const field = (names: string[]) => {
    for (const line of lines) {
      const compact = line.normalize('NFKC').replace(/\s+/g, '')
      for (const name of names) if (compact.startsWith(`${name}:`)) return compact.slice(name.length + 1) || null
    }
    return null
  }
  const documentNumber = lines.find((l) => /^[\u4e00-\u9fa5]{1,12}[〔［[(（]\d{4}[〕］\])）]\d+号$/.test(l)) ?? null

  const meta: ReportMeta = {
    title,
    organ: signature.organ ?? field(['发布机构']),
    documentNumber,
    publishedOn: signature.date,
    sourceUrl: null,
    contact: {
      address: field(['地址']),
      postcode: field(['邮编', '邮政编码']),
      phone: field(['电话', '联系电话']),
      fax: field(['传真'])
    }
  }
  return {
    title,
    years: {
      title: titleYear,
      period: periodYear,
      date: meta.publishedOn ? Number(meta.publishedOn.slice(0, 4)) - 1 : null
    },
    meta,
    narrative: { overview: text('overview'), problems: text('problems'), other: text('other') },
    notes
  }
}
