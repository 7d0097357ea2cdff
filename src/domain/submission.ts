// What a PUT of a report does, decided from the current revision and the rules' verdict.
// Pure: the route reads the state, this decides, the repository writes.
import type { ReportStatus, SubmittableStatus } from './report.js'
import type { Evaluation } from './rules.js'

export interface CurrentState {
  revision: number
  status: ReportStatus
  contentHash: string
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
  amendmentReason: string | undefined
}

export type SubmissionDecision =
  | { kind: 'unchanged' }
  | { kind: 'store'; revision: number }
  | { kind: 'precondition-failed'; expected: string; actual: string }
  | { kind: 'locked'; detail: string }
  | { kind: 'invalid' }

/** `"350803109-2020-r3"`: the entity tag of a report's revision. */
export function etag(unit: string, year: number, revision: number): string {
  return `"${unit}-${year}-r${revision}"`
}

/** Whether an If-Match header names the current revision (RFC 9110 §13.1.1, strong comparison). */
export function ifMatchHolds(header: string, current: string | undefined): boolean {
  const tags = header.split(',').map((t) => t.trim())
  if (tags.includes('*')) return current !== undefined
  return current !== undefined && tags.includes(current)
}

export function decideSubmission(input: SubmissionInput): SubmissionDecision {
  const { current } = input
  const currentTag = current ? etag(input.unit, input.year, current.revision) : undefined
  if (input.ifMatch !== undefined && !ifMatchHolds(input.ifMatch, currentTag)) {
    return { kind: 'precondition-failed', expected: input.ifMatch, actual: currentTag ?? 'none' }
  }
  // A returned report sent back as it was is a resubmission, not a no-op.
  if (current && current.contentHash === input.contentHash && current.status !== 'returned') return { kind: 'unchanged' }
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
