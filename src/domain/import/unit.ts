// Finding the reporting unit in the registry from the organ or title of a published report:
// township names repeat (88 are called 城关镇), so the district and city named beside it decide,
// and an ambiguity is reported rather than resolved by a guess.

export interface RegistryLookup {
  /** Townships whose name is exactly `name`. */
  townshipsNamed(name: string): ReadonlyArray<{ code: string; name: string }>
  nameOf(code: string): string | undefined
}

export interface UnitMatch {
  unit?: string
  /** Every township that fits equally well, when more than one does. */
  candidates: string[]
}

export function resolveUnit(text: string, registry: RegistryLookup): UnitMatch {
  const s = text.replace(/\s+/g, '')
  const found = new Map<string, number>()
  for (let start = 0; start < s.length; start++) {
    for (let end = start + 2; end <= Math.min(s.length, start + 14); end++) {
      for (const township of registry.townshipsNamed(s.slice(start, end))) {
        // The district and city named in the text too: 龙岩市永定区峰市镇 is one of one.
        const district = registry.nameOf(township.code.slice(0, 6)) ?? ''
        const city = registry.nameOf(township.code.slice(0, 4)) ?? ''
        const score =
          township.name.length * 10 +
          (district && s.includes(district) ? 1000 : 0) +
          (city && city !== '市辖区' && s.includes(city) ? 100 : 0)
        found.set(township.code, Math.max(found.get(township.code) ?? 0, score))
      }
    }
  }
  if (found.size === 0) return { candidates: [] }
  const best = Math.max(...found.values())
  const top = [...found].filter(([, score]) => score === best).map(([code]) => code)
  return top.length === 1 ? { unit: top[0], candidates: [] } : { candidates: top.sort() }
}
