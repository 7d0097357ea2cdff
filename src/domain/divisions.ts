// Division codes nest: a township's code starts with its district's, which starts with its
// city's, which starts with its province's. The whole country is `cn`.

export const NATIONAL = 'cn'
export const NATIONAL_SCOPE = { code: NATIONAL, name: '全国', level: 'country' } as const

/** The country, the province, the city, the district and the township itself. */
export function ancestorCodes(township: string): string[] {
  return [NATIONAL, township.slice(0, 2), township.slice(0, 4), township.slice(0, 6), township]
}

/** The district a township belongs to. */
export function districtOf(township: string): string {
  return township.slice(0, 6)
}
