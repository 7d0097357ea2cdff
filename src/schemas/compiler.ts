// Request validation with TypeBox's compiler (strict: no coercion of bodies, unknown fields
// rejected), and the translation of its errors into one issue per field, named by JSON Pointer.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify'
import { Compile } from 'typebox/compile'
import type { TLocalizedValidationError } from 'typebox/error'
import { Value } from 'typebox/value'
import type { FieldIssue } from '../errors.js'

type Schema = Record<string, unknown>
type Check = (value: unknown) => { ok: true; value: unknown } | { ok: false; issues: Omit<FieldIssue, 'in'>[] }

const PART_LOCATIONS: Record<string, FieldIssue['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header'
}

/**
 * Fastify calls this once per route and part. Bodies are checked as sent; query strings, path
 * parameters and headers arrive as strings, so they are converted to the schema's types and
 * given its defaults first.
 */
export function createValidatorCompiler(shared: readonly object[]): FastifySchemaCompiler<Schema> {
  const context = Object.fromEntries(shared.map((s) => [(s as Schema).$id as string, s as Schema]))
  return ({ schema, httpPart }) => compileFor(context, schema, httpPart)
}

function compileFor(context: Record<string, Schema>, schema: Schema, httpPart: string | undefined) {
  // A binary body (OpenAPI's `format: binary`: a PDF, a Word file) arrives as bytes, not text.
  if (schema.type === 'string' && schema.format === 'binary') {
    const notAFile = [{ in: 'body' as const, pointer: '', message: 'must be a file' }]
    return (input: unknown) =>
      input instanceof Uint8Array
        ? { value: input }
        : { error: Object.assign(new Error('/ must be a file'), { validation: notAFile }) }
  }
  const check = compile(context, schema)
  const location = PART_LOCATIONS[httpPart ?? 'body'] ?? 'body'
  const fromText = httpPart !== 'body'
  const quick = fromText ? quickConverter(schema) : undefined
  const convert = (input: unknown) => quick?.(input) ?? Value.Default(schema, Value.Convert(schema, input))
  return (input: unknown) => {
    const value = fromText ? convert(input) : input
    const result = check(value)
    if (result.ok) return { value: result.value }
    const error = Object.assign(new Error(result.issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')), {
      validation: result.issues.map((issue) => ({ ...issue, in: location }))
    })
    return { error }
  }
}

// The canonical spellings the quick converter turns into numbers itself; any other text (3.0,
// +3, 1e3, 07) goes through TypeBox's Convert, so that both paths give the same value.
const CANONICAL_INTEGER = /^-?(0|[1-9]\d{0,14})$/
const CANONICAL_NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/

/**
 * Path parameters and query strings convert on every request; TypeBox's Convert and Default
 * interpret the schema each time (several microseconds, a tenth of a cached answer). For a
 * flat object schema (every property a string, an enum of strings, an integer, a number or a
 * boolean, with primitive defaults) this converts canonical text directly and returns
 * undefined for anything else, which then takes the general path.
 */
function quickConverter(schema: Schema): ((input: unknown) => Record<string, unknown> | undefined) | undefined {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) return undefined
  const properties = Object.entries(schema.properties as Record<string, Schema>)
  const kinds = new Map<string, 'text' | 'integer' | 'number' | 'boolean'>()
  const defaults: Array<[string, unknown]> = []
  for (const [name, property] of properties) {
    const kind =
      property.type === 'string' || (Array.isArray(property.enum) && property.enum.every((e) => typeof e === 'string'))
        ? 'text'
        : property.type === 'integer' || property.type === 'number' || property.type === 'boolean'
          ? property.type
          : undefined
    if (kind === undefined) return undefined
    if ('default' in property) {
      if (property.default !== null && typeof property.default === 'object') return undefined
      defaults.push([name, property.default])
    }
    kinds.set(name, kind)
  }
  return (input) => {
    if (input === null || typeof input !== 'object') return undefined
    const out: Record<string, unknown> = {}
    for (const [name, raw] of Object.entries(input)) {
      const kind = kinds.get(name)
      if (kind === undefined)
        out[name] = raw // an unknown parameter: the check names it
      else if (typeof raw !== 'string')
        return undefined // a repeated parameter, say
      else if (kind === 'text') out[name] = raw
      else if (kind === 'boolean') {
        if (raw !== 'true' && raw !== 'false') return undefined
        out[name] = raw === 'true'
      } else {
        if (!(kind === 'integer' ? CANONICAL_INTEGER : CANONICAL_NUMBER).test(raw)) return undefined
        out[name] = Number(raw)
      }
    }
    for (const [name, value] of defaults) if (!(name in out)) out[name] = value
    return out
  }
}

/**
 * A union marked with `discriminator: { propertyName }` (the report body, by `template`) is
 * checked against the branch its discriminator names, so that errors point at that branch's
 * fields rather than saying "matches no branch".
 */
function compile(context: Record<string, Schema>, schema: Schema): Check {
  const discriminator = (schema.discriminator as { propertyName?: string } | undefined)?.propertyName
  const branches = schema.anyOf as Schema[] | undefined
  if (discriminator && branches) {
    const byTag = new Map<unknown, Check>()
    for (const reference of branches) {
      const branch = deref(context, reference)
      const tag = (branch.properties as Record<string, Schema>)[discriminator]?.const
      byTag.set(tag, compilePlain(context, branch))
    }
    const allowed = [...byTag.keys()].join(', ')
    return (value) => {
      const tag =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined
      const branch = byTag.get(tag)
      if (branch) return branch(value)
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { ok: false, issues: [{ pointer: '', message: 'must be a JSON object' }] }
      }
      return { ok: false, issues: [{ pointer: `/${discriminator}`, message: `must be one of ${allowed}` }] }
    }
  }
  return compilePlain(context, schema)
}

/**
 * Compiled on first use, as the serializers are: compiling every route's schemas took a tenth of
 * each start (the two report bodies most of it), for routes a process may never be called on.
 */
function compilePlain(context: Record<string, Schema>, schema: Schema): Check {
  let validator: ReturnType<typeof Compile> | undefined
  return (value) => {
    validator ??= Compile(context as never, schema as never)
    return validator.Check(value)
      ? { ok: true, value }
      : { ok: false, issues: toIssues(context, schema, validator.Errors(value)) }
  }
}

const deref = (context: Record<string, Schema>, schema: Schema): Schema =>
  typeof schema.$ref === 'string' ? (context[schema.$ref] ?? schema) : schema

/**
 * One issue per offending field: an unknown property is named at its own pointer, a failed
 * `anyOf` (e.g. "integer or null") is reported once with the message its schema declares in
 * `errorMessage`, and the errors of its branches are dropped.
 */
function toIssues(
  context: Record<string, Schema>,
  root: Schema,
  errors: TLocalizedValidationError[]
): Omit<FieldIssue, 'in'>[] {
  const issues = new Map<string, string>()
  const failedUnions = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/anyOf/')
  for (const error of errors) {
    if (error.keyword === 'boolean') continue // the additionalProperties error below says it better
    if (failedUnions.some((prefix) => error.schemaPath.startsWith(prefix))) continue
    if (error.keyword === 'additionalProperties') {
      for (const name of error.params.additionalProperties) {
        set(issues, `${error.instancePath}/${escapePointer(name)}`, 'unknown field')
      }
    } else if (error.keyword === 'required') {
      for (const name of error.params.requiredProperties ?? []) {
        set(issues, `${error.instancePath}/${escapePointer(name)}`, 'is required')
      }
    } else {
      const declared = schemaAt(context, root, error.schemaPath)?.errorMessage
      set(issues, error.instancePath, typeof declared === 'string' ? declared : describe(error))
    }
  }
  return [...issues].map(([pointer, message]) => ({ pointer, message }))
}

function set(issues: Map<string, string>, pointer: string, message: string): void {
  if (!issues.has(pointer)) issues.set(pointer, message)
}

function describe(error: TLocalizedValidationError): string {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return error.message
  }
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** The sub-schema at a schema path such as `#/properties/x/anyOf/0`, following $refs on the way. */
function schemaAt(context: Record<string, Schema>, root: Schema, schemaPath: string): Schema | undefined {
  let node: Schema | undefined = root
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (!node) return undefined
    const next: unknown = deref(context, node)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
    node = next !== null && typeof next === 'object' ? (next as Schema) : undefined
  }
  return node && deref(context, node)
}

/**
 * Response serializers (fast-json-stringify, Fastify's own), each compiled on its first use
 * rather than all at start-up: compiling the ~80 response schemas took a third of a second,
 * a third of the time to a listening server, most of them for routes a process may never answer.
 * Each is given the shared schemas its own refers to, not all of them: fast-json-stringify checks
 * every schema it is given against the JSON Schema meta-schema, on every compile (~50 ms with
 * the report bodies, the first answer of /readyz among them).
 */
export function createLazySerializerCompiler(shared: readonly object[]): FastifySerializerCompiler<Schema> {
  const external = Object.fromEntries(shared.map((s) => [(s as Schema).$id as string, s]))
  const select = SerializerSelector()
  return (route) => {
    const compile = select(referenced(route.schema, external), {})
    let serialize: ((data: unknown) => string) | undefined
    return (data) => (serialize ??= compile({ ...route, httpStatus: route.httpStatus ?? 'default' }))(data)
  }
}

/** The shared schemas that `schema` refers to by `$ref`, directly or through one another, by $id. */
export function referenced(schema: unknown, shared: Record<string, object>): Record<string, object> {
  const found = new Map<string, object>()
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      const id = key === '$ref' && typeof value === 'string' ? value.split('#')[0]! : undefined
      if (id === undefined) visit(value)
      else if (id in shared && !found.has(id)) {
        found.set(id, shared[id]!)
        visit(shared[id])
      }
    }
  }
  visit(schema)
  return Object.fromEntries(found)
}
