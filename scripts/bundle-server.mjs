// `npm run build`'s bundling step: the server's own modules and TypeBox in one file,
// dist/bin/server.js, which `npm start` and the Dockerfile run, and the writer thread's in
// another, dist/workers/writer.js (in place of tsc's), which every start waits for before
// /readyz. Loading a module costs Node a resolution, a read and a compile: TypeBox alone is
// some 700 of them, and the server's first start spent ~0.4 s of its time there; the writer's
// thirty-odd modules ~30 ms. Every other package is left to node_modules as it is.
//
// Each bundle sits one folder below dist/, as every module of src/ sits one folder below src/:
// the paths they make from import.meta.url (../workers/, ../web/, ../../migrations) hold in it.
import { build } from 'esbuild'

const BUNDLED = /^(typebox|@fastify\/type-provider-typebox)(\/|$)/

await build({
  entryPoints: { 'bin/server': 'src/server.ts', 'workers/writer': 'src/workers/writer.ts' },
  outdir: 'dist',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'node-modules-external',
      setup(build) {
        // A bare specifier is a package (or node:…): external unless it is one bundled.
        build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) ? undefined : { external: true }))
      }
    }
  ]
})
