// Micro-benchmark: validating one full report (schema check and every rule) is pure
// computation over ~200 cells and should take microseconds.
import { readFileSync } from 'node:fs'
import { createValidatorCompiler } from '../src/schemas/compiler.js'
import { ReportSubmission } from '../src/schemas/reports.js'
import { SHARED_SCHEMAS } from '../src/schemas/shared.js'
import { evaluateRules } from '../src/domain/rules.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import type { Report } from '../src/domain/report.js'

function measure(name: string, fn: () => void, seconds = 1): { name: string; perSecond: number; microseconds: number } {
  for (let i = 0; i < 2000; i++) fn() // warm up the JIT
  let n = 0
  const start = performance.now()
  const until = start + seconds * 1000
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
  }
  const ms = performance.now() - start
  return { name, perSecond: Math.round((n / ms) * 1000), microseconds: Number(((ms * 1000) / n).toFixed(2)) }
}

export function validationBenchmarks() {
  const fixture = JSON.parse(readFileSync(new URL('../../shared/fixtures/fengshi-2020.json', import.meta.url), 'utf8')) as Report
  const gb2021 = sampleReport({ unit: '350803109', year: 2021, template: 'gb2021', random: seededRandom(1) })
  const compile = createValidatorCompiler(SHARED_SCHEMAS)
  const validate = compile({ schema: ReportSubmission as never, httpPart: 'body', method: 'PUT', url: '/' }) as (v: unknown) => {
    error?: unknown
  }
  if (validate(fixture).error || validate(gb2021).error) throw new Error('the benchmark reports must be valid')
  return [
    measure('schema check, gb2019 fixture', () => validate(fixture)),
    measure('rules, gb2019 fixture', () => evaluateRules({ report: fixture })),
    measure('schema + rules, gb2021 with figures', () => {
      validate(gb2021)
      evaluateRules({ report: gb2021, previous: gb2021 })
    })
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(validationBenchmarks())
