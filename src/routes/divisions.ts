// The division registry: one division with its path, its children, and search by name.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { DivisionRow, Page } from '../db/repositories/divisions.js'
import { DivisionNotFound } from '../errors.js'
import { CodeParams, Division, DivisionList, PageQuery, SearchQuery } from '../schemas/divisions.js'
import { decodeCursor, encodeCursor } from './cursor.js'

const summary = (d: DivisionRow) => ({ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode })

const listBody = (page: Page<DivisionRow>) => ({
  items: page.items.map(summary),
  total: page.total,
  nextCursor: page.after ? encodeCursor([page.after]) : null
})

const after = (cursor: string | undefined) => (cursor ? decodeCursor(cursor, ['string'] as const)[0] : undefined)

const divisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { divisions } = app.repos

  app.get(
    '/divisions/:code',
    {
      schema: {
        operationId: 'getDivision',
        tags: ['divisions'],
        summary: 'A division with its path from the province down',
        params: CodeParams,
        response: { 200: Division }
      }
    },
    async (request) => {
      const path = divisions.path(request.params.code)
      const division = path.at(-1)
      if (!division || division.code !== request.params.code) throw new DivisionNotFound(request.params.code)
      return { ...summary(division), path: path.map((d) => ({ code: d.code, name: d.name, level: d.level })) }
    }
  )

  app.get(
    '/divisions/:code/children',
    {
      schema: {
        operationId: 'listDivisionChildren',
        tags: ['divisions'],
        summary: 'The divisions directly under a division, by code',
        params: CodeParams,
        querystring: PageQuery,
        response: { 200: DivisionList }
      }
    },
    async (request) => {
      const { code } = request.params
      if (!divisions.get(code)) throw new DivisionNotFound(code)
      return listBody(divisions.children(code, request.query.limit, after(request.query.cursor)))
    }
  )

  app.get(
    '/divisions',
    {
      schema: {
        operationId: 'searchDivisions',
        tags: ['divisions'],
        summary: 'Search divisions by name, optionally of one level',
        querystring: SearchQuery,
        response: { 200: DivisionList }
      }
    },
    async (request) => {
      const { q, level, limit, cursor } = request.query
      return listBody(divisions.search({ q, level }, limit, after(cursor)))
    }
  )
}

export default divisionRoutes
