// Template catalogue schemas.
import { Type } from 'typebox'
import { TEMPLATE_IDS } from '../domain/templates.js'
import { Label } from './common.js'

export const TemplateId = Type.Enum([...TEMPLATE_IDS])

export const CatalogueCell = Type.Object({
  code: Type.String({ description: 'e.g. requests.outcomes.withheld.stateSecret.naturalPerson' }),
  pointer: Type.String({ description: 'The same cell as a JSON Pointer' }),
  table: Type.Union([Type.Literal('proactive'), Type.Literal('requests'), Type.Literal('appeals')]),
  zh: Type.String({ description: 'Row and column labels as printed on the national form' }),
  en: Type.String(),
  rows: Type.Array(Label, { description: 'Row labels from the top of the table down to the cell' }),
  column: Label,
  section: Type.Optional(Type.String({ description: '二: the article of 第二十条 the row is printed under' })),
  type: Type.Union([Type.Literal('count'), Type.Literal('signedCount'), Type.Literal('amount')]),
  additive: Type.Boolean({ description: 'Whether summing the cell over reports is meaningful' })
})

export const CatalogueRule = Type.Object({
  id: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  scope: Type.Enum(['report', 'previousYear', 'peers'], {
    description:
      'report: the report alone; previousYear: against the unit’s previous year; peers: against the district’s ' +
      'other townships'
  }),
  description: Label
})

export const Template = Type.Object({
  id: TemplateId,
  zh: Type.String(),
  en: Type.String(),
  issuedBy: Type.String(),
  normalYears: Type.Object({ from: Type.Integer(), to: Type.Union([Type.Integer(), Type.Null()]) }),
  tables: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String() })),
  cells: Type.Array(CatalogueCell),
  rules: Type.Array(CatalogueRule)
})

export const TemplateList = Type.Object({ items: Type.Array(Template) })

export const TemplateParams = Type.Object({ template: Type.String({ maxLength: 20 }) })
