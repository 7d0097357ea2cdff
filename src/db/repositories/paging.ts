// Keyset pagination: a page query asks for one row more than the page holds; that row, if it
// comes, says another page follows, and the page's last row gives the cursor to start it from.

/** The first `limit` of `rows` (fetched with `limit + 1`), and the cursor after them when more follow. */
export function keysetPage<Row, Cursor>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => Cursor
): { rows: Row[]; next: Cursor | null } {
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page.at(-1)
  return { rows: page, next: more && last !== undefined ? cursorOf(last) : null }
}
