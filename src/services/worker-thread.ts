// Starting one of src/workers/ in a thread of its own: the sibling file in the same form as this
// one (.ts under tsx and tap, .js once compiled).
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker, type ResourceLimits } from 'node:worker_threads'

const EXTENSION = extname(fileURLToPath(import.meta.url))

/**
 * A worker's first lines: imports the entry, and from a source tree (.ts, run by tsx or tap) first
 * registers tsx's loader, which --import does not carry into worker threads on Node 20.
 */
const START = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
  await import(workerData.entry);
})();`

/** Starts src/workers/`name`, which reads `data` as its workerData. */
export function startWorker(name: 'export' | 'writer', data: object, resourceLimits?: ResourceLimits): Worker {
  const entry = new URL(`../workers/${name}${EXTENSION}`, import.meta.url).href
  return new Worker(START, {
    eval: true,
    workerData: { ...data, entry },
    ...(resourceLimits ? { resourceLimits } : {})
  })
}
