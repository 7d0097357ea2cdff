// The schemas registered once with Fastify (by $id): referenced from routes, resolved by the
// validator and the serializer, and published as components of the OpenAPI document.
import { FieldIssue, Problem, Violation } from './common.js'
import { Aggregate, AppealSums, ApplicantSums, ChildAggregates, Coverage } from './aggregates.js'
import { AppealCounts, ApplicantCounts, Narrative, REPORT_BRANCHES, ReportMeta } from './reports.js'

export const SHARED_SCHEMAS = [
  FieldIssue,
  Violation,
  Problem,
  ApplicantCounts,
  AppealCounts,
  ReportMeta,
  Narrative,
  ApplicantSums,
  AppealSums,
  Coverage,
  Aggregate,
  ChildAggregates,
  ...REPORT_BRANCHES
]
