// Instants as the API shows them: ISO 8601 in China Standard Time (UTC+8, no daylight saving).
const CST_OFFSET_MS = 8 * 60 * 60 * 1000

/** `2021-01-11T09:30:00.000+08:00` for the instant given. */
export function toBeijingIso(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().replace('Z', '+08:00')
}

/** The current calendar year in Beijing, which bounds the report years that may be filed. */
export function beijingYear(now: Date): number {
  return new Date(now.getTime() + CST_OFFSET_MS).getUTCFullYear()
}
