// The clerk's entry page at /entry and the district reviewer's queue at /review, with their
// scripts and styles under /web/. Both are built on the public API only, like the dashboard.
// Revalidated on every load (no-cache with an ETag): a page and the API it calls change together.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { noneMatchHits } from '../domain/conditional.js'
import { webAsset } from '../services/web-assets.js'

async function send(request: FastifyRequest, reply: FastifyReply, name: string) {
  const asset = await webAsset(name)
  if (!asset) return reply.callNotFound()
  reply.header('etag', asset.etag).header('cache-control', 'no-cache')
  if (noneMatchHits(request.headers['if-none-match'], asset.etag)) return reply.code(304).send()
  return reply.type(asset.type).send(asset.body)
}

const pageRoutes: FastifyPluginAsync = async (app) => {
  const hide = { schema: { hide: true } }
  app.get('/entry', hide, (request, reply) => send(request, reply, 'entry.html'))
  app.get('/review', hide, (request, reply) => send(request, reply, 'review.html'))
  app.get<{ Params: { file: string } }>('/web/:file', hide, (request, reply) =>
    send(request, reply, request.params.file)
  )
}

export default pageRoutes
