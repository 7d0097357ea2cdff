// What a v1 client would notice between two OpenAPI documents: a path or operation removed, a
// parameter removed or made required, a response field no longer required, a request field newly
// required, an enum value removed. Additions (paths, operations, optional inputs, response
// fields, enum values) are not breaking. Used by test/app.test.ts against openapi/openapi-1.0.0.json.

type Schema = {
  $ref?: string
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  const?: unknown
}
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema }
type Operation = {
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>
}
export type Document = {
  info: { version: string }
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

/** A schema with its $ref followed, and its branches (anyOf/oneOf/allOf) as a list. */
function branches(doc: Document, schema: Schema | undefined, seen = new Set<string>()): Schema[] {
  if (!schema) return []
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return []
    const name = schema.$ref.replace('#/components/schemas/', '')
    return branches(doc, doc.components?.schemas?.[name], new Set([...seen, schema.$ref]))
  }
  const parts = schema.anyOf ?? schema.oneOf ?? schema.allOf
  return parts ? parts.flatMap((part) => branches(doc, part, seen)) : [schema]
}

/** The values a schema allows by enum or const, over all its branches (undefined: not an enumeration). */
function values(doc: Document, schema: Schema | undefined): unknown[] | undefined {
  const all = branches(doc, schema)
  if (all.length === 0 || !all.every((s) => s.enum || 'const' in s)) return undefined
  return all.flatMap((s) => s.enum ?? [s.const])
}

/** Properties required by every branch (what a client may count on in an answer). */
const requiredEverywhere = (all: Schema[]) =>
  all.length === 0
    ? new Set<string>()
    : new Set(all.map((s) => s.required ?? []).reduce((a, b) => a.filter((k) => b.includes(k))))
/** Properties required by some branch (what a client may have to send). */
const requiredSomewhere = (all: Schema[]) => new Set(all.flatMap((s) => s.required ?? []))
const property = (all: Schema[], name: string) => all.map((s) => s.properties?.[name]).find(Boolean)

function compare(
  before: Document,
  after: Document,
  old: Schema | undefined,
  now: Schema | undefined,
  direction: 'request' | 'response',
  where: string,
  out: string[],
  depth = 0
) {
  if (!old || !now || depth > 12) return
  const was = values(before, old)
  const is = values(after, now)
  if (was && is)
    for (const value of was) if (!is.includes(value)) out.push(`${where}: enum value ${JSON.stringify(value)} removed`)
  const oldAll = branches(before, old)
  const nowAll = branches(after, now)
  if (direction === 'response') {
    const still = requiredEverywhere(nowAll)
    for (const name of requiredEverywhere(oldAll))
      if (!still.has(name)) out.push(`${where}: ${name} is no longer required`)
  } else {
    const was = requiredSomewhere(oldAll)
    for (const name of requiredSomewhere(nowAll)) if (!was.has(name)) out.push(`${where}: ${name} is newly required`)
  }
  const names = new Set(oldAll.flatMap((s) => Object.keys(s.properties ?? {})))
  for (const name of names) {
    const next = property(nowAll, name)
    if (!next) {
      out.push(`${where}: ${name} removed`)
      continue
    }
    compare(before, after, property(oldAll, name), next, direction, `${where}/${name}`, out, depth + 1)
  }
  const items = oldAll.map((s) => s.items).find(Boolean)
  if (items)
    compare(before, after, items, nowAll.map((s) => s.items).find(Boolean), direction, `${where}[]`, out, depth + 1)
}

/** Every change from `before` to `after` that would break a client written against `before`. */
export function breakingChanges(before: Document, after: Document): string[] {
  const out: string[] = []
  for (const [path, methods] of Object.entries(before.paths)) {
    for (const method of METHODS) {
      const old = methods[method]
      if (!old) continue
      const now = after.paths[path]?.[method]
      const name = `${method.toUpperCase()} ${path}`
      if (!now) {
        out.push(`${name}: removed`)
        continue
      }
      for (const parameter of old.parameters ?? []) {
        const next = now.parameters?.find((p) => p.name === parameter.name && p.in === parameter.in)
        const where = `${name} ${parameter.in} ${parameter.name}`
        if (!next) out.push(`${where}: removed`)
        else {
          if (next.required && !parameter.required) out.push(`${where}: newly required`)
          compare(before, after, parameter.schema, next.schema, 'request', where, out)
        }
      }
      for (const parameter of now.parameters ?? [])
        if (parameter.required && !old.parameters?.some((p) => p.name === parameter.name && p.in === parameter.in))
          out.push(`${name} ${parameter.in} ${parameter.name}: a new required parameter`)
      const body = (o: Operation) => o.requestBody?.content?.['application/json']?.schema
      compare(before, after, body(old), body(now), 'request', `${name} body`, out)
      for (const [status, response] of Object.entries(old.responses ?? {})) {
        const schema = response.content?.['application/json']?.schema
        if (!schema) continue
        compare(
          before,
          after,
          schema,
          now.responses?.[status]?.content?.['application/json']?.schema,
          'response',
          `${name} ${status}`,
          out
        )
      }
    }
  }
  return out
}
