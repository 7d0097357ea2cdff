// Strict JSON bodies: bytes that are not valid UTF-8 are refused rather than silently turned into
// U+FFFD, and __proto__ or constructor keys are refused rather than stripped (secure-json-parse).
// JSON is the only body type taken by default: any other is a 415 (the import route adds its own).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { parse as secureJsonParse } from 'secure-json-parse'
import { MalformedBody, UnsupportedMediaType } from '../errors.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export default fp(
  async function jsonBody(app: FastifyInstance) {
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      const charset = /charset=([^;]+)/i
        .exec(request.headers['content-type'] ?? '')?.[1]
        ?.trim()
        .replace(/"/g, '')
        .toLowerCase()
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        return done(new UnsupportedMediaType(`JSON is read as UTF-8; the charset ${charset} is not`), undefined)
      }
      let text: string
      try {
        text = utf8.decode(body)
      } catch {
        return done(new MalformedBody('The body is not valid UTF-8'), undefined)
      }
      if (text.trim() === '')
        return done(new MalformedBody('The body is empty; a JSON document was expected'), undefined)
      try {
        done(null, secureJsonParse(text, { protoAction: 'error', constructorAction: 'error' }))
      } catch (error) {
        done(new MalformedBody(`The body is not valid JSON: ${(error as Error).message}`), undefined)
      }
    })
  },
  { name: 'json-body' }
)
