// Micro-benchmarks of pure computation: importing a published page (well under a couple of
// milliseconds, so that ten thousand pages take seconds) and validating one full report (schema
// check and every rule: microseconds).
import { readFileSync } from 'node:fs'
import * as openccToTraditional from 'opencc-js/cn2t'
import type { OpenccConverter } from '../src/domain/import/text.js'
import { pageTextAs } from '../test/page.js'
import { createValidatorCompiler } from '../src/schemas/compiler.js'
import { ReportSubmission } from '../src/schemas/reports.js'
import { SHARED_SCHEMAS } from '../src/schemas/shared.js'
import { evaluateRules } from '../src/domain/rules.js'
import { sampleReport, seededRandom } from '../src/domain/sample-report.js'
import type { Report } from '../src/domain/report.js'
import { importReport, readFile } from '../src/domain/import/index.js'
import { signature, similarity } from '../src/domain/quality.js'
import { openDatabase } from '../src/db/connection.js'
import { createDivisionsRepository } from '../src/db/repositories/divisions.js'
import { seedDivisions } from '../src/db/seed-divisions.js'

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
  const fixture = JSON.parse(
    readFileSync(new URL('../test/fixtures/fengshi-2020.json', import.meta.url), 'utf8')
  ) as Report
  const gb2021 = sampleReport({ unit: '350803109', year: 2021, template: 'gb2021', random: seededRandom(1) })
  const compile = createValidatorCompiler(SHARED_SCHEMAS)
  const validate = compile({ schema: ReportSubmission as never, httpPart: 'body', method: 'PUT', url: '/' }) as (
    v: unknown
  ) => {
    error?: unknown
  }
  if (validate(fixture).error || validate(gb2021).error) throw new Error('the benchmark reports must be valid')
  const page = readFileSync(new URL('../test/fixtures/fengshi-2020.txt', import.meta.url), 'utf8')
  const html = readFileSync(new URL('../test/fixtures/fengshi-2020.html', import.meta.url), 'utf8')
  const wrapped = pageTextAs(html, 'wrapped')
  const aligned = pageTextAs(html, 'aligned')
  const traditional = (openccToTraditional as unknown as { Converter: OpenccConverter }).Converter({
    from: 'cn',
    to: 'tw'
  })(html)
  const connection = openDatabase(':memory:')
  const divisions = createDivisionsRepository(connection)
  seedDivisions(divisions)
  // A district's worth of other reports' prose sketches, as the copied-prose rule compares them.
  const peers = Array.from({ length: 50 }, (_, i) => signature(fixture.narrative!.overview!.slice(i * 10) + i)!)
  return [
    measure('copied-prose check: sketch one report, compare with 50 peers', () => {
      const own = signature(fixture.narrative!.overview)!
      for (const peer of peers) similarity(own, peer)
    }),
    measure('import the published text of 峰市镇 2020', () => importReport(page, 'text', divisions)),
    measure('import the same report as HTML', () => importReport(html, 'html', divisions)),
    measure('import it as text of one cell per line, header words broken over lines', () =>
      importReport(wrapped, 'text', divisions)
    ),
    measure('import it as column-aligned text (pdftotext -layout)', () => importReport(aligned, 'text', divisions)),
    measure('import it as a Traditional-Chinese page (OpenCC)', () => importReport(traditional, 'html', divisions)),
    measure('schema check, gb2019 fixture', () => validate(fixture)),
    measure('rules, gb2019 fixture', () => evaluateRules({ report: fixture })),
    measure('schema + rules, gb2021 with figures', () => {
      validate(gb2021)
      evaluateRules({ report: gb2021, previous: gb2021 })
    })
  ]
}

/** PDF and Word files (test/fixtures/documents), read as the import worker reads them. */
export async function fileImportBenchmarks(seconds = 1) {
  const documents = new URL('../test/fixtures/documents/', import.meta.url)
  const cases = [
    ['import a 6-page PDF exported by LibreOffice (gb2021)', 'kanshi-2021-gb2021.word.pdf', 'pdf'],
    ['import an 8-page PDF exported by LibreOffice (gb2019)', 'fengshi-2020-gb2019.word.pdf', 'pdf'],
    ['import a 4-page PDF printed by Chromium (gb2021)', 'kanshi-2021-gb2021.chromium.pdf', 'pdf'],
    ['import a 6-page PDF printed by Chromium (gb2019)', 'fengshi-2020-gb2019.chromium.pdf', 'pdf'],
    ['import a Word .docx with merged cells (gb2021)', 'kanshi-2021-gb2021.docx', 'docx']
  ] as const
  const results = []
  for (const [name, file, format] of cases) {
    const data = readFileSync(new URL(file, documents))
    await readFile(data, format) // loads pdf.js or jszip, outside the measure
    let n = 0
    const start = performance.now()
    while (performance.now() - start < seconds * 1000) {
      await readFile(data, format)
      n++
    }
    const ms = performance.now() - start
    results.push({ name, perSecond: Math.round((n / ms) * 1000), microseconds: Number(((ms * 1000) / n).toFixed(2)) })
  }
  return results
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(validationBenchmarks())
  console.table(await fileImportBenchmarks())
}
