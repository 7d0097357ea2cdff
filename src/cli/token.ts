// npm run token -- create --role admin | --role unit --scope 350803109 | --role district --scope 350803 [--label …]
//                  list | revoke <id>
// Works on the database of DATABASE_PATH, as the server does; `create` prints the token alone on
// its last line of output (it is shown only this once).
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/connection.js'
import { seedDivisions } from '../db/seed-divisions.js'
import { ROLES, type Role } from '../domain/access.js'
import { toBeijingIso } from '../domain/time.js'
import { createRepositories } from '../plugins/db.js'
import { issueToken } from '../services/tokens.js'

const USAGE = `usage: npm run token -- create --role <${ROLES.join('|')}> [--scope <division code>] [--label <text>]
       npm run token -- list
       npm run token -- revoke <token id>`

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { role: { type: 'string' }, scope: { type: 'string' }, label: { type: 'string' } }
    })
  } catch (error) {
    return fail((error as Error).message)
  }
})()
const [command, ...rest] = positionals

const connection = openDatabase(loadConfig().databasePath)
seedDivisions(createRepositories(connection).divisions)
const repos = createRepositories(connection)
const context = { actor: null, requestId: 'cli', clientAddress: 'local' }

try {
  switch (command) {
    case 'create': {
      const role = values.role as Role
      if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`)
      const { row, token } = issueToken(repos, { role, scope: values.scope, label: values.label }, context, new Date())
      console.log(
        `created ${row.id} (${row.role}${row.scope ? ` of ${row.scope}` : ''}); the token is shown only this once:`
      )
      console.log(token)
      break
    }
    case 'list':
      for (const t of repos.tokens.list()) {
        const state = t.revokedAt
          ? `revoked ${toBeijingIso(t.revokedAt)}`
          : `last used ${t.lastUsedAt ? toBeijingIso(t.lastUsedAt) : 'never'}`
        console.log(
          `${t.id}\t${t.role}\t${t.scope ?? '-'}\t${t.label ?? ''}\tcreated ${toBeijingIso(t.createdAt)}\t${state}`
        )
      }
      break
    case 'revoke': {
      const id = rest[0] ?? fail('revoke needs a token id')
      const row = repos.tokens.revoke(id, context, new Date())
      if (!row) fail(`no token has the id ${id}`)
      console.log(`revoked ${row.id}`)
      break
    }
    default:
      fail(command ? `unknown command ${command}` : 'no command')
  }
} catch (error) {
  fail((error as Error).message)
} finally {
  connection.sqlite.close()
}
