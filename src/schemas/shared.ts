// The schemas registered once with Fastify (by $id): referenced from routes, resolved by the
// validator and the serializer, and published as components of the OpenAPI document.
import { FieldIssue, Problem, Violation } from './common.js'
import { AppealSums, ApplicantSums, Coverage } from './aggregates.js'
import { AppealCounts, ApplicantCounts, Narrative, ReportMeta } from './reports.js'

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
  Coverage
]
