// The dashboard at / : a static page and script (src/dashboard) that read only the public API,
// with Apache ECharts served from its npm package. Served by @fastify/static: ETag and
// Last-Modified with 304s, and a short public max-age so that a new release shows within minutes.
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync } from 'fastify'

const require = createRequire(import.meta.url)
const ECHARTS = require.resolve('echarts/dist/echarts.min.js')

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../dashboard/', import.meta.url)),
    prefix: '/',
    wildcard: false,
    maxAge: '5m',
    schemaHide: true
  })
  await app.register(fastifyStatic, {
    root: dirname(ECHARTS),
    prefix: '/assets/',
    decorateReply: false,
    // Only the one file the page loads, not the package's other builds.
    allowedPath: (path) => path === '/echarts.min.js',
    maxAge: '1d',
    schemaHide: true
  })
}

export default dashboardRoutes
