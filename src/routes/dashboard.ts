// The dashboard at / : a static page and script (src/dashboard) that read only the public API,
// with Apache ECharts served from its npm package.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyPluginAsync } from 'fastify'

const require = createRequire(import.meta.url)
const file = (name: string) => readFileSync(new URL(`../dashboard/${name}`, import.meta.url))

const ASSETS: Array<[string, string, Buffer]> = [
  ['/', 'text/html; charset=utf-8', file('index.html')],
  ['/dashboard.js', 'text/javascript; charset=utf-8', file('dashboard.js')],
  ['/dashboard.css', 'text/css; charset=utf-8', file('dashboard.css')],
  [
    '/assets/echarts.min.js',
    'text/javascript; charset=utf-8',
    readFileSync(require.resolve('echarts/dist/echarts.min.js'))
  ]
]

const dashboardRoutes: FastifyPluginAsync = async (app) => {
  for (const [url, type, body] of ASSETS) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=300').send(body)
    )
  }
}

export default dashboardRoutes
