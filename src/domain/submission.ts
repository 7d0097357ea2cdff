// What a PUT of a report does, decided from the current revision and the rules' verdict.
// Pure: the route reads the state, this decides, the repository writes.
import { digestTag, ifMatchHolds } from './conditional.js'
import type { ReportStatus, SubmittableStatus } from './report.js'
import type { Evaluation } from './rules.js'

export interface CurrentState {
  revision: number
  status: ReportStatus
  contentHash: string
  /** The entity tag of the report as it stands (reportTag). */
  tag: string
}

export interface SubmissionInput {
  unit: string
  year: number
  current: CurrentState | undefined
  status: SubmittableStatus
  contentHash: string
  evaluation: Evaluation
  /** The If-Match header as sent, if any. */
  ifMatch: string | undefined
  /** The If-None-Match header as sent: `*` stores only when the report does not exist yet. */
  ifNoneMatch?: string | undefined
  amendmentReason: string | undefined
}

export type SubmissionDecision =
  | { kind: 'unchanged' }
  | { kind: 'store'; revision: number }
  | { kind: 'precondition-failed'; expected: string; actual: string }
  | { kind: 'locked'; detail: string }
  | { kind: 'invalid' }

/** Everything a report's representation shows besides its revision's content. */
export interface ReportFacts {
  unit: string
  year: number
  revision: number
  contentHash: string
  status: ReportStatus
  timeliness: string
  firstSubmittedAt: Date | null
  acceptedAt: Date | null
  /** The last review action, if any: its id and what it said. */
  lastReview: { id: number; action: string; comment: string | null; createdAt: Date } | undefined
}

/**
 * `"350803109-2020-r3-…"`: the entity tag of a report as shown, naming its revision and a digest
 * of its content and workflow state, so that a review or a re-judged deadline (same revision,
 * different answer) changes it, and no restart or restore can make it name other data.
 */
export function reportTag(facts: ReportFacts): string {
  const review = facts.lastReview
  const digest = digestTag(
    facts.contentHash,
    facts.status,
    facts.timeliness,
    facts.firstSubmittedAt?.getTime() ?? null,
    facts.acceptedAt?.getTime() ?? null,
    review ? `${review.id}:${review.action}:${review.createdAt.getTime()}:${review.comment ?? ''}` : null
  )
  return `"${facts.unit}-${facts.year}-r${facts.revision}-${digest.slice(0, 12)}"`
}

export function decideSubmission(input: SubmissionInput): SubmissionDecision {
  const { current } = input
  if (input.ifMatch !== undefined && !ifMatchHolds(input.ifMatch, current?.tag)) {
    return { kind: 'precondition-failed', expected: input.ifMatch, actual: current?.tag ?? 'none' }
  }
  if (current && input.ifNoneMatch?.trim() === '*') {
    return { kind: 'precondition-failed', expected: 'no report yet (If-None-Match: *)', actual: current.tag }
  }
  // A returned report sent back as it was is a resubmission, not a no-op.
  if (current && current.contentHash === input.contentHash && current.status !== 'returned')
    return { kind: 'unchanged' }
  if (current?.status === 'accepted') {
    if (!input.amendmentReason) {
      return { kind: 'locked', detail: 'The report was accepted; send amendmentReason to amend it' }
    }
    if (input.status !== 'submitted') {
      return { kind: 'locked', detail: 'An amendment of an accepted report must have status submitted' }
    }
  }
  if (input.status === 'submitted' && !input.evaluation.valid) return { kind: 'invalid' }
  return { kind: 'store', revision: (current?.revision ?? 0) + 1 }
}
