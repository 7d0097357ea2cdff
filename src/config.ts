// Configuration: one schema for every environment variable the service reads, checked at start.
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
    description: 'Failed authentications per client address per minute before 429'
  })
})

type Env = Static<typeof ConfigSchema>

export interface AppConfig {
  host: string
  port: number
  databasePath: string
  logLevel: string
  corsOrigins: string[]
  writeLimitPerMinute: number
  authFailureLimitPerMinute: number
}

/** The defaults of every setting, for tests and tools that build an app without an environment. */
export const DEFAULT_CONFIG: AppConfig = loadConfig({})

/** Reads and checks the environment; throws naming the variable when one is invalid. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema<Env>({ schema: ConfigSchema, data: env, dotenv: false, env: false })
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    databasePath: parsed.DATABASE_PATH,
    logLevel: parsed.LOG_LEVEL,
    corsOrigins: parsed.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    writeLimitPerMinute: parsed.WRITE_LIMIT_PER_MINUTE,
    authFailureLimitPerMinute: parsed.AUTH_FAILURE_LIMIT_PER_MINUTE
  }
}
