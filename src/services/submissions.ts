// Storing a report: the checks, the rules and the decision that a PUT makes, shared by the PUT
// route, the import endpoint (?commit=true) and the import CLI.
import type { RequestContext } from '../db/repositories/audit.js'
import type { Signatures } from '../db/repositories/peers.js'
import { ConcurrentChangeError, type ReportHead } from '../db/repositories/reports.js'
import { signature } from '../domain/quality.js'
import type { Repositories } from '../plugins/db.js'
import { canonicalContent, type CanonicalContent } from '../domain/content-hash.js'
import type { Report } from '../domain/report.js'
import type { ImportResult } from '../domain/import/index.js'
import { evaluateAvailable, evaluateRules, type Evaluation, type SkippedRule } from '../domain/rules.js'
import { decideSubmission, reportTag } from '../domain/submission.js'
import { beijingYear } from '../domain/time.js'
import {
  DivisionNotFound,
  NotATownship,
  PreconditionFailed,
  ReportInvalid,
  ReportLocked,
  validationError,
  type FieldIssue
} from '../errors.js'

export interface SubmitOptions {
  ifMatch?: string | undefined
  /** `*`: store only when the unit has no report for the year yet. */
  ifNoneMatch?: string | undefined
  amendmentReason?: string | undefined
  context: RequestContext
  /** When the request was made (the clock of the server that took it); now when not given. */
  at?: Date | undefined
  /** The report's canonical JSON and its hash (content-hash.ts) when the caller has made them already. */
  content?: CanonicalContent | undefined
}

export interface Submitted {
  head: ReportHead
  /** 1 for the first revision: the route answers 201. */
  created: boolean
  unchanged: boolean
  etag: string
  template: Report['template']
  errors: Evaluation['errors']
  warnings: Evaluation['warnings']
}

/** Sketches of a report's prose (parts 一 and 五) for the copied-prose rule. */
export function signaturesOf(report: Report): Signatures {
  return { overview: signature(report.narrative?.overview), problems: signature(report.narrative?.problems) }
}

export function createSubmissions(
  repos: Pick<Repositories, 'reports' | 'reviews' | 'peers' | 'divisions' | 'deadlines'>,
  now: () => Date
) {
  const { reports, reviews, peers, divisions, deadlines } = repos

  /** 404 for an unknown code, 422 for a division that is not a township. */
  function requireTownship(unit: string): void {
    const division = divisions.get(unit)
    if (!division) throw new DivisionNotFound(unit)
    if (division.level !== 'township') throw new NotATownship(unit, division.level)
  }

  /** Reports exist from the first national template up to the current year. */
  function checkYear(year: number, where: FieldIssue['in']): void {
    const latest = beijingYear(now())
    if (year > latest)
      throw validationError([
        { in: where, pointer: '/year', message: `must not be after the current year (${latest})` }
      ])
  }

  /**
   * The rules, with the unit's report of the previous year for the cross-year ones when it has
   * been submitted or accepted (a draft or a returned report is no baseline, and stays private).
   */
  function evaluate(report: Report, own: Signatures = signaturesOf(report)): Evaluation {
    return evaluateRules(contextOf(report, own))
  }

  /** The rules' view of a report: the unit's public report of the previous year, and its peers. */
  function contextOf(report: Report, own: Signatures = signaturesOf(report)) {
    const previous = reports.publicReport(report.unit, report.year - 1)
    return { report, previous, peers: { own, ...peers.of(report.unit, report.year) } }
  }

  /**
   * The rules that can run on an imported page: those of the report alone always; those that
   * compare with the unit's previous year or the district's peers once unit and year are known;
   * the township rule unless the organ is known not to be one. The rest are listed as skipped.
   */
  function evaluatePage(result: ImportResult): Evaluation & { skipped: SkippedRule[] } {
    const { report } = result
    const known = {
      unit: report.unit !== undefined,
      year: report.year !== undefined,
      township: report.unit !== undefined || !result.detected.organDivision
    }
    if (known.unit && known.year) return evaluateAvailable(contextOf(report as Report), known)
    // Placeholders never reach a rule: every rule that reads the unit or the year is skipped.
    return evaluateAvailable({ report: { ...report, unit: report.unit ?? '', year: report.year ?? 0 } }, known)
  }

  /** The entity tag of a stored report as GET shows it. */
  function tagOf(head: ReportHead, contentHash: string): string {
    return tagWith(head, contentHash, reviews.last(head.id))
  }

  function tagWith(head: ReportHead, contentHash: string, lastReview: ReturnType<typeof reviews.last>): string {
    return reportTag({
      unit: head.unitCode,
      year: head.year,
      revision: head.currentRevision,
      contentHash,
      status: head.status,
      timeliness: head.timeliness,
      firstSubmittedAt: head.firstSubmittedAt,
      acceptedAt: head.acceptedAt,
      lastReview
    })
  }

  /** Stores `report` as a new revision, or says it is unchanged; throws the problem otherwise. */
  function submit(report: Report, options: SubmitOptions): Submitted {
    const { unit, year } = report
    const current = reports.basis(unit, year)
    const signatures = signaturesOf(report)
    const evaluation = evaluate(report, signatures)
    const { json, hash } = options.content ?? canonicalContent(report)
    // A new revision adds no review: the latest one is read once for both tags.
    const lastReview = current && reviews.last(current.head.id)
    const currentTag = current && tagWith(current.head, current.contentHash, lastReview)
    const decision = decideSubmission({
      unit,
      year,
      current: current && {
        revision: current.head.currentRevision,
        status: current.head.status,
        contentHash: current.contentHash,
        tag: currentTag!
      },
      status: report.status,
      contentHash: hash,
      evaluation,
      ifMatch: options.ifMatch,
      ifNoneMatch: options.ifNoneMatch,
      amendmentReason: options.amendmentReason
    })
    switch (decision.kind) {
      case 'precondition-failed':
        throw new PreconditionFailed(decision.expected, decision.actual)
      case 'locked':
        throw new ReportLocked(decision.detail)
      case 'invalid': {
        const n = evaluation.errors.length
        throw Object.assign(new ReportInvalid(`${n} error${n === 1 ? '' : 's'}`), { errors: evaluation.errors })
      }
      case 'unchanged': {
        const { head } = current!
        const revision = reports.revision(unit, year, head.currentRevision)!
        return {
          head,
          created: false,
          unchanged: true,
          etag: currentTag!,
          template: revision.template,
          errors: revision.errors,
          warnings: revision.warnings
        }
      }
      case 'store': {
        try {
          const head = reports.appendRevision({
            unit,
            year,
            expectedRevision: current?.head.currentRevision ?? 0,
            expectedContentHash: current?.contentHash,
            revision: decision.revision,
            report,
            body: json,
            contentHash: hash,
            errors: evaluation.errors,
            warnings: evaluation.warnings,
            reason: options.amendmentReason ?? null,
            context: options.context,
            at: options.at ?? now(),
            deadline: deadlines.effective(unit, year).date,
            signatures
          })
          peers.stored(head)
          return {
            head,
            created: decision.revision === 1,
            unchanged: false,
            etag: tagWith(head, hash, lastReview),
            template: report.template,
            errors: evaluation.errors,
            warnings: evaluation.warnings
          }
        } catch (error) {
          if (error instanceof ConcurrentChangeError)
            throw new ReportLocked('Another revision was stored first; read it and retry')
          throw error
        }
      }
    }
  }

  // Group commit. Submissions that arrive while the event loop is busy are stored in one
  // transaction and acknowledged together after its commit: one fsync for all of them instead
  // of one each. Each runs in a savepoint of its own, in arrival order, decided against the
  // writes before it exactly as one after another would be; one that fails rolls back alone.
  // Nothing is acknowledged before the commit, so a 2xx still means on disk.
  const queue: Array<{
    report: Report
    options: Parameters<typeof submit>[1]
    resolve: (value: Submitted) => void
    reject: (error: unknown) => void
  }> = []

  let commits = 0
  function flush(): void {
    const batch = queue.splice(0)
    if (batch.length === 0) return
    const outcomes: Array<{ value: Submitted } | { error: unknown }> = []
    try {
      reports.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ value: reports.transaction(() => submit(item.report, item.options)) })
          } catch (error) {
            peers.forget() // its savepoint is rolled back
            outcomes.push({ error })
          }
        }
      })
      commits++
    } catch (error) {
      peers.forget()
      for (const item of batch) item.reject(error) // the commit failed: nothing of the batch is stored
      return
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!
      if ('value' in outcome) item.resolve(outcome.value)
      else item.reject(outcome.error)
    })
  }

  /** `submit`, committed with the other submissions of the same turn of the event loop. */
  function submitTogether(report: Report, options: SubmitOptions): Promise<Submitted> {
    return new Promise((resolve, reject) => {
      if (queue.push({ report, options, resolve, reject }) === 1) setImmediate(flush)
    })
  }

  return {
    requireTownship,
    checkYear,
    evaluate,
    evaluatePage,
    submit,
    submitTogether,
    /** Commits what is queued now (at shutdown, so that its answers go out before the server closes). */
    drain: flush,
    /** How many group commits `submitTogether` has made. */
    commits: () => commits,
    tagOf
  }
}

export type Submissions = ReturnType<typeof createSubmissions>
