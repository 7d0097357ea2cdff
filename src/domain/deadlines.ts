// Reporting deadlines: calendar dates in China Standard Time. 条例 第五十条 asks for the annual
// report by 31 January; a report is on time when first submitted before that day ends in Beijing.

/** How a report's first submission stands against its deadline; `none` while never submitted. */
export const TIMELINESS = ['on_time', 'late', 'none'] as const
export type Timeliness = (typeof TIMELINESS)[number]

/** 31 January of the year after the report year, as YYYY-MM-DD. */
export function defaultDeadline(year: number): string {
  return `${year + 1}-01-31`
}

/** The first instant after the deadline day, Beijing time (UTC+8). */
export function deadlineEnd(date: string): Date {
  const start = new Date(`${date}T00:00:00+08:00`)
  return new Date(start.getTime() + 24 * 60 * 60 * 1000)
}

/** null while the report has never been submitted. */
export function isOnTime(firstSubmittedAt: Date | null, deadline: string): boolean | null {
  if (!firstSubmittedAt) return null
  return firstSubmittedAt.getTime() < deadlineEnd(deadline).getTime()
}
