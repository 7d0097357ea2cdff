// Configuration: one schema for every environment variable the service reads, checked at start.
import { isIP } from 'node:net'
import envSchema from 'env-schema'
import { Type, type Static } from 'typebox'

export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Address to listen on (0.0.0.0 in containers)' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/ogi.sqlite', description: 'SQLite file, or :memory:' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated origins allowed by CORS; none by default' }),
  WRITE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 120, description: 'Writes per token per minute' }),
  AUTH_FAILURE_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 20,
    description: 'Failed authentications per client address per minute before 429 (a valid token is never refused)'
  }),
  IMPORT_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'Imports per client address per minute without a token'
  }),
  IMPORT_TIME_BUDGET_MS: Type.Integer({
    minimum: 50,
    maximum: 60_000,
    default: 2000,
    description:
      'Time an imported page or file may take to read (ms, waiting included) before it is refused: ' +
      'a text page takes milliseconds, a five-page PDF up to a few hundred'
  }),
  PUBLIC_URL: Type.String({
    default: '',
    description:
      'Where users reach the service (https://zwgk.example.gov.cn/ogi/): https turns on HSTS and ' +
      'upgrade-insecure-requests'
  }),
  TRUST_PROXY: Type.String({
    default: '',
    description:
      'Reverse proxies whose X-Forwarded-For/-Proto to believe: empty (none), a hop count, or addresses/CIDRs, ' +
      'comma-separated'
  })
})

type Env = Static<typeof ConfigSchema>

/** Fastify's `trustProxy`: false, a hop count, or the proxies' addresses and CIDR ranges. */
export type TrustProxy = false | number | string[]

/** PUBLIC_URL as an absolute http(s) URL ending in `/`; throws naming the variable otherwise. */
export function parsePublicUrl(value: string): string | null {
  if (value.trim() === '') return null
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new Error(`PUBLIC_URL: "${value}" is not an absolute URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`PUBLIC_URL: "${value}" is not an http or https URL`)
  if (url.search || url.hash) throw new Error(`PUBLIC_URL: "${value}" must have no query or fragment`)
  return url.href.endsWith('/') ? url.href : `${url.href}/`
}

/** Names proxy-addr understands besides addresses and CIDRs. */
const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** TRUST_PROXY as Fastify takes it; throws naming the variable when an entry is no address. */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim()
  if (text === '' || text === 'false') return false
  if (/^\d+$/.test(text)) return Number(text)
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address ?? '')
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (!PROXY_KEYWORDS.has(entry) && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new Error(
        `TRUST_PROXY: "${entry}" is not a hop count, an IP address, a CIDR range or one of ` +
          `${[...PROXY_KEYWORDS].join(', ')}`
      )
    }
  }
  return entries
}

/** The settings as the code reads them, from the checked environment: typed by the schema, not retyped. */
function fromEnv(env: Env) {
  return {
    host: env.HOST,
    port: env.PORT,
    databasePath: env.DATABASE_PATH,
    logLevel: env.LOG_LEVEL,
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    writeLimitPerMinute: env.WRITE_LIMIT_PER_MINUTE,
    authFailureLimitPerMinute: env.AUTH_FAILURE_LIMIT_PER_MINUTE,
    importLimitPerMinute: env.IMPORT_LIMIT_PER_MINUTE,
    importTimeBudgetMs: env.IMPORT_TIME_BUDGET_MS,
    /** Where users reach the service, ending in `/`; null when not set (the pages need no absolute URL). */
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
    trustProxy: parseTrustProxy(env.TRUST_PROXY)
  }
}

export type AppConfig = ReturnType<typeof fromEnv>

/** Reads and checks the environment; throws naming the variable when one is invalid. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  return fromEnv(envSchema<Env>({ schema: ConfigSchema, data: env, dotenv: false, env: false }))
}

/** The defaults of every setting, for tests and tools that build an app without an environment. */
export const DEFAULT_CONFIG: AppConfig = loadConfig({})
