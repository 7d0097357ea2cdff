// Bulk loading: many reports in one transaction (demo data, past years), rollups rebuilt after.
import { contentHash } from '../../domain/content-hash.js'
import type { Report, ReportStatus } from '../../domain/report.js'
import type { Timeliness } from '../../domain/deadlines.js'
import type { Violation } from '../../domain/rules.js'
import type { Db } from '../connection.js'
import { reportRevisions, reports } from '../schema.js'
import { actorColumns, appendAudit, type RequestContext } from './audit.js'
import type { Cells } from './cells.js'
import { signatureWriter, type Signatures } from './peers.js'

export function createBulkLoad(db: Db, cells: Cells) {
  const saveSignatures = signatureWriter(db)
  return {
    /**
     * Loads many reports at once (demo data, imports of past years): a head, one revision and
     * its cells each, in one transaction, skipping units that already have a report for the
     * year. Rollups are not touched: call rollups.rebuild() afterwards. Returns how many were added.
     */
    insert(
      items: Array<{
        report: Report
        status: ReportStatus
        firstSubmittedAt: Date | null
        timeliness: Timeliness
        errors: Violation[]
        warnings: Violation[]
        at: Date
        signatures: Signatures
      }>,
      context: RequestContext
    ): number {
      return db.transaction((tx) => {
        let added = 0
        for (const item of items) {
          const { report } = item
          const head = tx
            .insert(reports)
            .values({
              unitCode: report.unit,
              year: report.year,
              currentRevision: 1,
              status: item.status,
              template: report.template,
              firstSubmittedAt: item.firstSubmittedAt,
              timeliness: item.timeliness,
              acceptedAt: item.status === 'accepted' ? item.at : null,
              createdAt: item.at,
              updatedAt: item.at
            })
            .onConflictDoNothing()
            .returning({ id: reports.id })
            .get()
          if (!head) continue
          tx.insert(reportRevisions)
            .values({
              reportId: head.id,
              revision: 1,
              status: report.status,
              template: report.template,
              body: report,
              contentHash: contentHash(report),
              errors: item.errors,
              warnings: item.warnings,
              ...actorColumns(context),
              createdAt: item.at
            })
            .run()
          cells.write(head.id, 1, report)
          saveSignatures(head.id, item.signatures)
          added++
        }
        appendAudit(
          tx,
          context,
          {
            action: 'report.bulk',
            target: `${added} reports`,
            divisionCode: null,
            detail: { added, offered: items.length }
          },
          new Date()
        )
        return added
      })
    }
  }
}

export type BulkLoad = ReturnType<typeof createBulkLoad>
