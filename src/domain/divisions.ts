// Division codes nest: a township's code starts with its district's, which starts with its
// city's, which starts with its province's. The whole country is `cn`.

export const NATIONAL = 'cn'
export const NATIONAL_SCOPE = { code: NATIONAL, name: '全国', level: 'country' } as const

/** The registry's levels, top down, with the length of their codes. */
export const CODE_LENGTHS = { province: 2, city: 4, district: 6, township: 9 } as const
export type DivisionLevel = keyof typeof CODE_LENGTHS
export const DIVISION_LEVELS = Object.keys(CODE_LENGTHS) as [DivisionLevel, ...DivisionLevel[]]

/** A regular expression source matching a code of the given levels (all of them by default). */
export function codePattern(levels: readonly DivisionLevel[] = DIVISION_LEVELS, alternatives: string[] = []): string {
  return `^(${[...alternatives, ...levels.map((level) => `\\d{${CODE_LENGTHS[level]}}`)].join('|')})$`
}

/** The country, the province, the city, the district and the township itself. */
export function ancestorCodes(township: string): string[] {
  return [NATIONAL, ...DIVISION_LEVELS.map((level) => township.slice(0, CODE_LENGTHS[level]))]
}

/** The district a township belongs to. */
export function districtOf(township: string): string {
  return township.slice(0, CODE_LENGTHS.district)
}

/**
 * The first code after every code that starts with `prefix`, of the prefix's length (350803 →
 * 350804): the open end of the range of a division and the divisions under it.
 */
export function codeAfter(prefix: string): string {
  return String(BigInt(prefix) + 1n).padStart(prefix.length, '0')
}
