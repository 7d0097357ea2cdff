// How a stored report's head is shown in responses, wherever one is.
import type { ReportHead } from '../db/repositories/reports.js'
import { toBeijingIso } from '../domain/time.js'

/** Unit, year, workflow state, first submission and on-time flag. */
export function workflow(head: ReportHead) {
  return {
    unit: head.unitCode,
    year: head.year,
    status: head.status,
    revision: head.currentRevision,
    submittedAt: head.firstSubmittedAt ? toBeijingIso(head.firstSubmittedAt) : null,
    onTime: head.timeliness === 'none' ? null : head.timeliness === 'on_time'
  }
}

/** Who made a change, as responses show it: the token and its role, or null before access control. */
export function by(row: { byTokenId: string | null; byRole: string | null }): { tokenId: string; role: string } | null {
  return row.byTokenId && row.byRole ? { tokenId: row.byTokenId, role: row.byRole } : null
}
