// Finding the reporting unit in the registry from the organ or title of a published report:
// township names repeat (88 are called 城关镇), so the district and city named beside it decide,
// and an ambiguity is reported rather than resolved by a guess.

export interface RegistryLookup {
  /** Townships whose name is exactly `name`. */
  townshipsNamed(name: string): ReadonlyArray<{ code: string; name: string }>
  /** Provinces, cities and districts whose name is exactly `name`. */
  divisionsNamed(name: string): ReadonlyArray<{ code: string; name: string; level: string }>
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

/** An organ that is not a township: a county-level or higher government, or a department. */
export interface OrganDivision {
  name: string
  level: 'province' | 'city' | 'district' | 'department'
  /** The division the organ is of (its own, or the one a department serves), best first. */
  candidates: string[]
}

// A township's organ: 峰市镇人民政府, 凤城街道办事处, 某某乡政府.
const TOWNSHIP_ORGAN = /(镇|乡|街道|苏木)(人民政府|政府|办事处)?$|街道办$/
const GOVERNMENT = /(人民政府|政府)$/
// A department of a government: 发展和改革局, 卫生健康委员会, 政务服务中心, 人力资源和社会保障厅 …
const DEPARTMENT = /(局|委员会|委|办公室|办|中心|厅|署|院|所|站|队|馆)$/

/**
 * Recognises an organ that is not a township from its name and the registry: the divisions it
 * names (the deepest whose parents it also names), and whether it is their government or one of
 * their departments. Undefined for a township's organ, or an organ the registry cannot place.
 */
export function classifyOrgan(text: string, registry: RegistryLookup): OrganDivision | undefined {
  const s = text.replace(/\s+/g, '')
  if (s === '' || TOWNSHIP_ORGAN.test(s)) return undefined
  const government = GOVERNMENT.test(s)
  if (!government && !DEPARTMENT.test(s)) return undefined
  const named = new Map<string, { code: string; level: string }>()
  for (let start = 0; start < s.length; start++) {
    for (let end = start + 2; end <= Math.min(s.length, start + 14); end++) {
      for (const division of registry.divisionsNamed(s.slice(start, end))) named.set(division.code, division)
    }
  }
  if (named.size === 0) return undefined
  // Deeper divisions first, and those whose city or province the organ names too.
  const score = (code: string) =>
    code.length * 10 + [2, 4].filter((n) => n < code.length && named.has(code.slice(0, n))).length * 100
  const best = Math.max(...[...named.keys()].map(score))
  const candidates = [...named.keys()].filter((code) => score(code) === best).sort()
  const level = government ? (named.get(candidates[0]!)!.level as OrganDivision['level']) : 'department'
  return { name: s, level, candidates }
}
