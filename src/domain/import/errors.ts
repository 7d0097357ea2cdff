// The one way an import fails: the page is not (or not readably) an annual report's.

/** A page the importer will not read, with the reason for the caller. */
export class UnreadableReport extends Error {
  override name = 'UnreadableReport'
}
