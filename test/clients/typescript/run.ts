// node --import tsx test/clients/typescript/run.ts <base URL> <token> <report.json>: runs the
// walkthrough (client.ts) against a server and prints what it found as one line of JSON.
import { readFileSync } from 'node:fs'
import { walkthrough, type Submission } from './client.js'

const [baseUrl = '', token = '', file = ''] = process.argv.slice(2)
const report: Submission = JSON.parse(readFileSync(file, 'utf8'))
console.log(JSON.stringify(await walkthrough(baseUrl, token, report)))
