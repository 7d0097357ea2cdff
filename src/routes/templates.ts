// The template catalogue: every cell and rule, generated from the definitions that drive validation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RULES } from '../domain/rules.js'
import { isTemplateId, TEMPLATE_IDS, TEMPLATES, type TemplateId } from '../domain/templates.js'
import { TemplateNotFound } from '../errors.js'
import { Template, TemplateList, TemplateParams } from '../schemas/templates.js'

function catalogue(id: TemplateId) {
  const template = TEMPLATES[id]
  return {
    id,
    zh: template.zh,
    en: template.en,
    issuedBy: template.issuedBy,
    normalYears: template.normalYears,
    tables: template.tables.map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
    cells: template.cells.map((c) => ({
      code: c.code,
      pointer: c.pointer,
      table: c.table,
      zh: c.zh,
      en: c.en,
      rows: [...c.rowLabels],
      column: { zh: c.column.zh, en: c.column.en },
      ...(c.section ? { section: c.section } : {}),
      type: c.type,
      additive: c.additive
    })),
    rules: RULES.filter((r) => r.templates.includes(id)).map((r) => ({
      id: r.id,
      severity: r.severity,
      scope: r.scope,
      description: r.description
    }))
  }
}

const templateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const all = { items: TEMPLATE_IDS.map(catalogue) }

  app.get(
    '/templates',
    {
      schema: {
        operationId: 'listTemplates',
        tags: ['templates'],
        summary: 'Both national templates: every cell and rule',
        response: { 200: TemplateList }
      }
    },
    async () => all
  )

  app.get(
    '/templates/:template',
    {
      schema: {
        operationId: 'getTemplate',
        tags: ['templates'],
        summary: 'One national template: every cell and rule',
        params: TemplateParams,
        response: { 200: Template }
      }
    },
    async (request) => {
      const { template } = request.params
      if (!isTemplateId(template)) throw new TemplateNotFound(template)
      return all.items[TEMPLATE_IDS.indexOf(template)]
    }
  )
}

export default templateRoutes
