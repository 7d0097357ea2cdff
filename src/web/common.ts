// What the entry and review pages share: making elements, calling the API with the session's
// token, and saying what went wrong in Chinese. Nothing from the API or the address bar is ever
// put into the page as markup: elements are made with the DOM and text is set as text.
import { STATUS_ZH } from '../domain/report.js'

/** The element a selector names; the pages are ours, so a missing one is a bug and throws. */
export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector)
  if (!found) throw new Error(`${selector} is missing`)
  return found
}

type Child = Node | string | number | null | undefined | false

/** An element with attributes and children (nodes or text); false, null and undefined are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value))
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      node.append(typeof child === 'object' ? child : document.createTextNode(String(child)))
  return node
}

// The token lives in this tab's sessionStorage only: never in the URL, never in localStorage.
const TOKEN_KEY = 'ogi.token'
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY)
}

export interface Problem {
  status: number
  title?: string
  detail?: string
  code?: string
  errors?: Array<{ pointer?: string; message?: string | { zh: string }; rule?: string; cells?: string[] }>
}

/** An answer other than 2xx or 304, with its problem document. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`)
  }
  get status() {
    return this.problem.status
  }
}

export interface Answer<T> {
  status: number
  body: T
  etag: string | null
}

/**
 * A call of the API, relative to the page (so that it works under any prefix a proxy mounts it
 * at), with the session's token when there is one.
 */
export async function api<T>(
  path: string,
  init: { method?: string; json?: unknown; body?: BodyInit; type?: string; headers?: Record<string, string> } = {}
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
  const token = session.token()
  if (token) headers.authorization = `Bearer ${token}`
  let body = init.body
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(init.json)
  } else if (init.type) headers['content-type'] = init.type
  const response = await fetch(path.replace(/^\//, ''), {
    method: init.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  if (!response.ok) throw new ApiError({ status: response.status, ...(parsed as Omit<Problem, 'status'>) })
  return { status: response.status, body: parsed as T, etag: response.headers.get('etag') }
}

/** What to tell a person about a failed call. */
export function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return `无法连接服务：${error instanceof Error ? error.message : String(error)}`
  switch (error.status) {
    case 401:
      return '令牌无效或已吊销，请重新输入令牌。'
    case 403:
      return `此令牌无权进行该操作：${error.problem.detail ?? ''}`
    case 404:
      return '未找到。'
    case 429:
      return '操作过于频繁，请稍后再试。'
    default:
      return `${error.problem.title ?? '请求失败'}（${error.status}）：${error.problem.detail ?? ''}`
  }
}

export interface TokenInfo {
  id: string
  role: 'unit' | 'district' | 'admin'
  scope: string | null
  label: string | null
  division: { code: string; name: string; level: string } | null
}

const ROLE_NAMES: Record<TokenInfo['role'], string> = { unit: '填报单位', district: '区县审核', admin: '管理员' }

/**
 * The token box in the page's header: asks for a token once, checks it with the API, and says
 * whose it is. `onChange` gets the token's identity, or null when there is none (or it was refused).
 */
export function tokenBox(root: HTMLElement, onChange: (who: TokenInfo | null) => void): void {
  const show = (who: TokenInfo | null, message = '') => {
    if (who) {
      const scope = who.division ? `${who.division.name}（${who.division.code}）` : '全部'
      const out = el('button', { type: 'button' }, '退出')
      out.addEventListener('click', () => {
        session.clear()
        show(null)
      })
      root.replaceChildren(el('span', { id: 'who' }, `${ROLE_NAMES[who.role]} · ${scope}`), ' ', out)
    } else {
      const input = el('input', {
        id: 'token',
        type: 'password',
        autocomplete: 'off',
        placeholder: '粘贴令牌',
        'aria-label': '令牌'
      })
      const form = el('form', { id: 'token-form' }, input, ' ', el('button', { type: 'submit' }, '使用'))
      form.addEventListener('submit', (event) => {
        event.preventDefault()
        const token = input.value.trim()
        if (!token) return
        session.set(token)
        check()
      })
      root.replaceChildren(form, message ? el('span', { class: 'problem', role: 'alert' }, message) : '')
    }
    onChange(who)
  }
  const check = () => {
    if (!session.token()) return show(null)
    api<TokenInfo>('v1/tokens/current').then(
      ({ body }) => show(body),
      (error: unknown) => {
        session.clear()
        show(null, explain(error))
      }
    )
  }
  check()
}

/** A review action as the API shows it (a report's lastReview, the queue's). */
export interface Review {
  action: 'accept' | 'return'
  comment: string | null
  revision: number
  at: string
}

/** Time stamps as a Chinese office writes them: 2021-01-11 09:30. */
export const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—')

export const STATUS_NAMES: Readonly<Record<string, string>> = STATUS_ZH
