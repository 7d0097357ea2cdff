// npm run bench: every benchmark of the project, printed as tables. HTTP cases run against a
// real listening server with autocannon and are reported as a ratio to a bare Fastify route
// measured in the same run.
import { validationBenchmarks } from './validation.js'

console.log('\nValidation of one full report (pure computation, one core)')
console.table(validationBenchmarks())
