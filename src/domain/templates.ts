// The two national templates (gb2019, gb2021) as data: every table, row and cell, defined once.
// Request schemas, the catalogue endpoint, the storage columns, CSV headers and the importer's
// label table are all derived from these definitions.

export const TEMPLATE_IDS = ['gb2019', 'gb2021'] as const
export type TemplateId = (typeof TEMPLATE_IDS)[number]

export const TABLE_KEYS = ['proactive', 'requests', 'appeals'] as const
export type TableKey = (typeof TABLE_KEYS)[number]

/** count: integer ≥ 0; signedCount: any integer (本年增/减); amount: decimal ≥ 0. */
export type CellType = 'count' | 'signedCount' | 'amount'

export interface Label {
  readonly zh: string
  readonly en: string
}

interface ColumnDef extends Label {
  readonly key: string
  readonly type?: CellType
  /** A header printed above several columns, e.g. 法人或其他组织 over the five kinds of organisation. */
  readonly group?: Label
  /** Why the column's cells may not be summed across reports. */
  readonly notAdditive?: string
}

/** A printed row of a table: either a leaf with cells, or a heading with child rows. */
export interface RowDef extends Label {
  readonly key: string
  readonly columns?: readonly ColumnDef[]
  readonly children?: readonly RowDef[]
  /** gb 二: the article of 条例 第二十条 under which the row is printed, e.g. 第二十条第（一）项. */
  readonly section?: string
  /** Non-numeric fields of the row, each one of the listed values or null (e.g. amountUnit). */
  readonly enumFields?: Readonly<Record<string, readonly string[]>>
  /** 四: the heading printed over several rows' columns, e.g. 行政诉讼 over 未经复议直接起诉 and 复议后起诉. */
  readonly group?: Label
  /** Other ways published reports print the row's label (for the importer). */
  readonly aliases?: readonly string[]
}

/** The values of the enum fields (enumFields) as the form prints them. */
export const ENUM_ZH: Readonly<Record<string, string>> = { yuan: '元', wan: '万元' }

export interface CellDef {
  /** The JSON path joined with dots: `requests.outcomes.withheld.stateSecret.naturalPerson`. */
  readonly code: string
  /** The same path as an RFC 6901 JSON Pointer, as used in error responses. */
  readonly pointer: string
  readonly path: readonly string[]
  readonly table: TableKey
  readonly type: CellType
  /** Whether summing the cell over several reports gives a meaningful figure. */
  readonly additive: boolean
  /** Why not, when it does not. */
  readonly notAdditive?: string
  /** The printed row labels from the table's top down to the cell's row. */
  readonly rowLabels: readonly Label[]
  /** The cell's row named alone: its label, after its group's where it has one (行政诉讼 复议后起诉). */
  readonly rowLabel: Label
  readonly column: Label & { readonly group?: Label }
  readonly section?: string
  /** Row and column labels joined, e.g. `（三）不予公开 1.属于国家秘密 · 自然人`. */
  readonly zh: string
  readonly en: string
}

export interface TableDef extends Label {
  readonly key: TableKey
  readonly rows: readonly RowDef[]
  /** The heading printed over all the value columns (三: 申请人情况). */
  readonly columnsHeading?: Label
  /** The note the form prints in the table's top-left cell (三: its 勾稽关系). */
  readonly note?: string
}

export interface TemplateDef extends Label {
  readonly id: TemplateId
  /** How a compiled report names the template beside figures reported on it: 2019年格式. */
  readonly shortZh: string
  /** The General Office letter that issued the template. */
  readonly issuedBy: string
  /** The report years the template was issued for; other years draw W-TEMPLATE-YEAR. */
  readonly normalYears: { readonly from: number; readonly to: number | null }
  readonly tables: readonly TableDef[]
  readonly cells: readonly CellDef[]
}

// ─── Shared columns ────────────────────────────────────────────────────────────────────────

const ORGANISATION: Label = { zh: '法人或其他组织', en: 'Legal persons or other organisations' }

/** 三: the applicant columns; every row of the table has all seven. */
export const APPLICANT_COLUMNS = [
  { key: 'naturalPerson', zh: '自然人', en: 'Natural persons' },
  { key: 'commercial', zh: '商业企业', en: 'Commercial enterprises', group: ORGANISATION },
  { key: 'research', zh: '科研机构', en: 'Research institutions', group: ORGANISATION },
  { key: 'nonprofit', zh: '社会公益组织', en: 'Non-profit organisations', group: ORGANISATION },
  { key: 'legalService', zh: '法律服务机构', en: 'Legal service institutions', group: ORGANISATION },
  { key: 'otherOrg', zh: '其他', en: 'Other organisations', group: ORGANISATION },
  { key: 'total', zh: '总计', en: 'Total' }
] as const satisfies readonly ColumnDef[]

/** 四: the result columns of each appeal group. */
export const APPEAL_COLUMNS = [
  { key: 'upheld', zh: '结果维持', en: 'Upheld' },
  { key: 'corrected', zh: '结果纠正', en: 'Corrected' },
  { key: 'other', zh: '其他结果', en: 'Other result' },
  { key: 'pending', zh: '尚未审结', en: 'Pending' },
  { key: 'total', zh: '总计', en: 'Total' }
] as const satisfies readonly ColumnDef[]

const applicantRow = (key: string, zh: string, en: string): RowDef => ({ key, zh, en, columns: APPLICANT_COLUMNS })

// ─── 三 收到和处理政府信息公开申请情况 ────────────────────────────────────────────────────────

const WITHHELD: RowDef = {
  key: 'withheld',
  zh: '（三）不予公开',
  en: 'Withheld',
  children: [
    applicantRow('stateSecret', '1.属于国家秘密', 'State secret'),
    applicantRow('prohibitedByLaw', '2.其他法律行政法规禁止公开', 'Prohibited by other laws and regulations'),
    applicantRow('securityStability', '3.危及“三安全一稳定”', 'Endangers the "three securities and one stability"'),
    applicantRow('thirdPartyRights', '4.保护第三方合法权益', "Protects a third party's lawful rights"),
    applicantRow('internalAffairs', '5.属于三类内部事务信息', 'Internal affairs information'),
    applicantRow('processInformation', '6.属于四类过程性信息', 'Process information'),
    applicantRow('enforcementFiles', '7.属于行政执法案卷', 'Administrative enforcement files'),
    applicantRow('administrativeQuery', '8.属于行政查询事项', 'Administrative query matters')
  ]
}

const UNAVAILABLE: RowDef = {
  key: 'unavailable',
  zh: '（四）无法提供',
  en: 'Cannot be provided',
  children: [
    applicantRow('notHeld', '1.本机关不掌握相关政府信息', 'Not held by this organ'),
    applicantRow('needsCreation', '2.没有现成信息需要另行制作', 'Would have to be newly created'),
    applicantRow('unclearAfterCorrection', '3.补正后申请内容仍不明确', 'Still unclear after correction')
  ]
}

const NOT_PROCESSED: RowDef = {
  key: 'notProcessed',
  zh: '（五）不予处理',
  en: 'Not processed',
  children: [
    applicantRow('complaint', '1.信访举报投诉类申请', 'Petitions, reports and complaints'),
    applicantRow('repeated', '2.重复申请', 'Repeated applications'),
    applicantRow('publication', '3.要求提供公开出版物', 'Requests for published material'),
    applicantRow('massRepeated', '4.无正当理由大量反复申请', 'Mass repeated applications without good reason'),
    applicantRow(
      'confirmation',
      '5.要求行政机关确认或重新出具已获取信息',
      'Requests to confirm or reissue information already obtained'
    )
  ]
}

const OTHER_ZH = '（六）其他处理'

const OTHER_GB2019: RowDef = applicantRow('other', OTHER_ZH, 'Otherwise handled')

/**
 * A row for gb2019 reports' undivided （六）其他处理 when they are shown under gb2021's （六）, whose
 * sub-rows it sums with (cell codes requests.outcomes.other.unclassified.*); not a cell of either
 * template.
 */
export const UNCLASSIFIED_OTHER_ROW: RowDef = applicantRow(
  'unclassified',
  '4.按2019年格式报送、未细分',
  'Reported on the 2019 template, not broken down'
)

const OTHER_GB2021: RowDef = {
  key: 'other',
  zh: OTHER_ZH,
  en: 'Otherwise handled',
  children: [
    applicantRow(
      'overdueCorrection',
      '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请',
      'Applicant did not correct the application in time'
    ),
    applicantRow(
      'overdueFee',
      '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请',
      'Applicant did not pay the fee in time'
    ),
    applicantRow('otherReasons', '3.其他', 'Other reasons')
  ]
}

function requestsTable(other: RowDef): TableDef {
  return {
    key: 'requests',
    zh: '三、收到和处理政府信息公开申请情况',
    en: 'III. Applications received and handled',
    columnsHeading: { zh: '申请人情况', en: 'Applicants' },
    note: '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）',
    rows: [
      applicantRow('received', '一、本年新收政府信息公开申请数量', 'I. New applications received this year'),
      applicantRow('carriedOver', '二、上年结转政府信息公开申请数量', 'II. Applications carried over from last year'),
      {
        key: 'outcomes',
        zh: '三、本年度办理结果',
        en: 'III. Outcomes this year',
        children: [
          applicantRow('granted', '（一）予以公开', 'Disclosed'),
          {
            ...applicantRow(
              'partiallyGranted',
              '（二）部分公开（区分处理的，只计这一情形，不计其他情形）',
              'Partially disclosed'
            ),
            aliases: ['(二)部分公开']
          },
          WITHHELD,
          UNAVAILABLE,
          NOT_PROCESSED,
          other,
          applicantRow('total', '（七）总计', 'Total')
        ]
      },
      applicantRow('carriedForward', '四、结转下年度继续办理', 'IV. Carried forward to next year')
    ]
  }
}

// ─── 四 政府信息公开行政复议、行政诉讼情况 ──────────────────────────────────────────────────

const LITIGATION: Label = { zh: '行政诉讼', en: 'Litigation' }

const APPEALS: TableDef = {
  key: 'appeals',
  zh: '四、政府信息公开行政复议、行政诉讼情况',
  en: 'IV. Administrative reconsideration and litigation',
  rows: [
    { key: 'reconsideration', zh: '行政复议', en: 'Administrative reconsideration', columns: APPEAL_COLUMNS },
    {
      key: 'litigationDirect',
      zh: '未经复议直接起诉',
      en: 'without prior reconsideration',
      group: LITIGATION,
      columns: APPEAL_COLUMNS
    },
    {
      key: 'litigationAfterReconsideration',
      zh: '复议后起诉',
      en: 'after reconsideration',
      group: LITIGATION,
      columns: APPEAL_COLUMNS
    }
  ]
}

// ─── 二 主动公开政府信息情况 ─────────────────────────────────────────────────────────────────

const PROACTIVE_ZH = '二、主动公开政府信息情况'
const PROACTIVE_EN = 'II. Information disclosed proactively'

const NORMATIVE_DOCUMENTS_ALIASES = ['规范性文件', '行政规范性文件']

const S1 = '第二十条第（一）项'
const S5 = '第二十条第（五）项'
const S6 = '第二十条第（六）项'
const S8 = '第二十条第（八）项'
const S9 = '第二十条第（九）项'

const DOCUMENTS_2019: readonly ColumnDef[] = [
  { key: 'newlyMade', zh: '本年新制作数量', en: 'Newly made this year' },
  { key: 'newlyPublished', zh: '本年新公开数量', en: 'Newly published this year' },
  { key: 'totalPublished', zh: '对外公开总数量', en: 'Total published' }
]

const MATTERS_2019: readonly ColumnDef[] = [
  { key: 'previousCount', zh: '上一年项目数量', en: 'Items in the previous year' },
  { key: 'change', zh: '本年增/减', en: 'Change this year', type: 'signedCount' },
  { key: 'decisions', zh: '处理决定数量', en: 'Decisions' }
]

const GB2019_PROACTIVE: TableDef = {
  key: 'proactive',
  zh: PROACTIVE_ZH,
  en: PROACTIVE_EN,
  rows: [
    { key: 'regulations', zh: '规章', en: 'Regulations', section: S1, columns: DOCUMENTS_2019 },
    {
      key: 'normativeDocuments',
      zh: '规范性文件',
      en: 'Normative documents',
      section: S1,
      aliases: NORMATIVE_DOCUMENTS_ALIASES,
      columns: DOCUMENTS_2019
    },
    { key: 'licensing', zh: '行政许可', en: 'Administrative licensing', section: S5, columns: MATTERS_2019 },
    {
      key: 'otherServices',
      zh: '其他对外管理服务事项',
      en: 'Other external management services',
      section: S5,
      columns: MATTERS_2019
    },
    { key: 'penalties', zh: '行政处罚', en: 'Administrative penalties', section: S6, columns: MATTERS_2019 },
    { key: 'coercion', zh: '行政强制', en: 'Administrative coercion', section: S6, columns: MATTERS_2019 },
    {
      key: 'fees',
      zh: '行政事业性收费',
      en: 'Administrative fees',
      section: S8,
      columns: MATTERS_2019.slice(0, 2)
    },
    {
      key: 'procurement',
      zh: '政府集中采购',
      en: 'Centralised government procurement',
      section: S9,
      enumFields: { amountUnit: ['yuan', 'wan'] },
      columns: [
        { key: 'projects', zh: '采购项目数量', en: 'Procurement projects' },
        {
          key: 'amount',
          zh: '采购总金额',
          en: 'Total procurement amount',
          type: 'amount',
          notAdditive: 'the template prints no unit: reports give 元 or 万元 (see amountUnit)'
        }
      ]
    }
  ]
}

const DOCUMENTS_2021: readonly ColumnDef[] = [
  { key: 'issued', zh: '本年制发件数', en: 'Issued this year' },
  { key: 'repealed', zh: '本年废止件数', en: 'Repealed this year' },
  { key: 'inForce', zh: '现行有效件数', en: 'In force' }
]

const DECISIONS_2021: readonly ColumnDef[] = [{ key: 'decisions', zh: '本年处理决定数量', en: 'Decisions this year' }]

const GB2021_PROACTIVE: TableDef = {
  key: 'proactive',
  zh: PROACTIVE_ZH,
  en: PROACTIVE_EN,
  rows: [
    { key: 'regulations', zh: '规章', en: 'Regulations', section: S1, columns: DOCUMENTS_2021 },
    {
      key: 'normativeDocuments',
      zh: '行政规范性文件',
      en: 'Administrative normative documents',
      section: S1,
      aliases: NORMATIVE_DOCUMENTS_ALIASES,
      columns: DOCUMENTS_2021
    },
    { key: 'licensing', zh: '行政许可', en: 'Administrative licensing', section: S5, columns: DECISIONS_2021 },
    { key: 'penalties', zh: '行政处罚', en: 'Administrative penalties', section: S6, columns: DECISIONS_2021 },
    { key: 'coercion', zh: '行政强制', en: 'Administrative coercion', section: S6, columns: DECISIONS_2021 },
    {
      key: 'fees',
      zh: '行政事业性收费',
      en: 'Administrative fees',
      section: S8,
      columns: [
        {
          key: 'amount',
          zh: '本年收费金额（单位：万元）',
          en: 'Fees collected this year (10,000 yuan)',
          type: 'amount'
        }
      ]
    }
  ]
}

// ─── Flattening ─────────────────────────────────────────────────────────────────────────────

function flattenTable(table: TableDef): CellDef[] {
  const cells: CellDef[] = []
  const walk = (row: RowDef, path: string[], labels: Label[]): void => {
    const here = [...path, row.key]
    const rowLabels = [...labels, ...(row.group ? [row.group] : []), { zh: row.zh, en: row.en }]
    for (const child of row.children ?? []) walk(child, here, rowLabels)
    for (const column of row.columns ?? []) {
      const cellPath = [...here, column.key]
      const columnLabel = column.group
        ? { zh: column.zh, en: column.en, group: column.group }
        : { zh: column.zh, en: column.en }
      cells.push({
        code: cellPath.join('.'),
        pointer: '/' + cellPath.join('/'),
        path: cellPath,
        table: table.key,
        type: column.type ?? 'count',
        additive: column.notAdditive === undefined,
        ...(column.notAdditive ? { notAdditive: column.notAdditive } : {}),
        rowLabels,
        rowLabel: row.group
          ? { zh: `${row.group.zh} ${row.zh}`, en: `${row.group.en} ${row.en}` }
          : { zh: row.zh, en: row.en },
        column: columnLabel,
        ...(row.section ? { section: row.section } : {}),
        zh: `${rowLabels.map((l) => l.zh).join(' ')} · ${column.group ? column.group.zh + ' ' : ''}${column.zh}`,
        en: `${rowLabels.map((l) => l.en).join(' / ')} · ${column.en}`
      })
    }
  }
  for (const row of table.rows) walk(row, [table.key], [])
  return cells
}

function defineTemplate(def: Omit<TemplateDef, 'cells'>): TemplateDef {
  return { ...def, cells: def.tables.flatMap(flattenTable) }
}

export const TEMPLATES: Readonly<Record<TemplateId, TemplateDef>> = {
  gb2019: defineTemplate({
    id: 'gb2019',
    shortZh: '2019年格式',
    zh: '政府信息公开工作年度报告格式（试行）',
    en: 'Annual report format (trial), 2019',
    issuedBy: '国办公开办函〔2019〕60号',
    normalYears: { from: 2019, to: 2020 },
    tables: [GB2019_PROACTIVE, requestsTable(OTHER_GB2019), APPEALS]
  }),
  gb2021: defineTemplate({
    id: 'gb2021',
    shortZh: '2021年格式',
    zh: '中华人民共和国政府信息公开工作年度报告格式',
    en: 'Annual report format, 2021',
    issuedBy: '国办公开办函〔2021〕30号',
    normalYears: { from: 2021, to: null },
    tables: [GB2021_PROACTIVE, requestsTable(OTHER_GB2021), APPEALS]
  })
}

/** Every cell code of either template, each once, in template order (gb2019 first). */
export const ALL_CELLS: readonly CellDef[] = (() => {
  const seen = new Map<string, CellDef>()
  for (const id of TEMPLATE_IDS)
    for (const cell of TEMPLATES[id].cells) if (!seen.has(cell.code)) seen.set(cell.code, cell)
  return [...seen.values()]
})()

export function isTemplateId(value: unknown): value is TemplateId {
  return typeof value === 'string' && (TEMPLATE_IDS as readonly string[]).includes(value)
}

/** The first report year under the 2019 regulation: the first template's first year. */
export const FIRST_REPORT_YEAR = TEMPLATES[TEMPLATE_IDS[0]].normalYears.from

/** A table of a template. */
export function tableOf(template: TemplateId, key: TableKey): TableDef {
  return TEMPLATES[template].tables.find((t) => t.key === key)!
}

/**
 * The national form in force for a report year: the template whose normal years hold it (the
 * first template for years before any).
 */
export function templateOfYear(year: number): TemplateId {
  const inForce = TEMPLATE_IDS.filter((id) => TEMPLATES[id].normalYears.from <= year)
  return inForce.at(-1) ?? TEMPLATE_IDS[0]
}

/** Whether the template was issued for the report year (W-TEMPLATE-YEAR otherwise). */
export function isNormalYear(template: TemplateId, year: number): boolean {
  const { from, to } = TEMPLATES[template].normalYears
  return year >= from && (to === null || year <= to)
}

/** The prose parts of a report the rules and the importer read, as both templates print them. */
export const NARRATIVE_PARTS = {
  overview: { zh: '一、总体情况', en: 'Part 一 (overview)' },
  problems: { zh: '五、存在的主要问题及改进情况', en: 'Part 五 (problems)' },
  other: { zh: '六、其他需要报告的事项', en: 'Part 六 (other matters)' }
} as const satisfies Record<string, Label>

/**
 * Throws unless every code names a cell of each listed template, so that a mistyped code in a
 * rule fails at start-up instead of reading as a blank cell and silently switching the rule off.
 */
export function requireCells<T extends readonly string[]>(
  codes: T,
  templates: readonly TemplateId[] = TEMPLATE_IDS
): T {
  for (const template of templates) {
    const known = new Set(TEMPLATES[template].cells.map((c) => c.code))
    const unknown = codes.filter((code) => !known.has(code))
    if (unknown.length > 0) throw new Error(`not cells of ${template}: ${unknown.join(', ')}`)
  }
  return codes
}
