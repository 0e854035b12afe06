// The console's only door to the server: same-origin fetch with the session cookie.

export class ApiError extends Error {
  constructor (status, body) {
    super((body && (body.message || body.error)) || `request failed with ${status}`)
    this.status = status
    this.body = body
  }
}

async function request (method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const res = await fetch(path, init)
  const text = await res.text()
  let data = null
  if (text !== '') {
    try { data = JSON.parse(text) } catch { data = { message: text } }
  }
  if (!res.ok) throw new ApiError(res.status, data)
  return data
}

const enc = encodeURIComponent
const ticketPath = (tenantId, ticketId) => `/v1/tenants/${enc(tenantId)}/tickets/${enc(ticketId)}`

export const api = {
  login: (email, password) => request('POST', '/v1/auth/login', { email, password }),
  logout: () => request('POST', '/v1/auth/logout', {}),
  me: () => request('GET', '/v1/me'),

  /** filters: { tenant: string[], status, priority, urgency, intent, platform, team, tag, q, limit, cursor } */
  tickets (filters) {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(filters)) {
      if (Array.isArray(value)) for (const v of value) params.append(name, v)
      else if (value !== undefined && value !== null && value !== '') params.set(name, String(value))
    }
    const query = params.toString()
    return request('GET', `/v1/tickets${query === '' ? '' : `?${query}`}`)
  },
  ticket: (tenantId, ticketId) => request('GET', ticketPath(tenantId, ticketId)),
  action: (tenantId, ticketId, action, body = {}) => request('POST', `${ticketPath(tenantId, ticketId)}/${enc(action)}`, body),
  metrics (tenantId, { from, to, bucket }) {
    const params = new URLSearchParams({ from, to, bucket })
    return request('GET', `/v1/tenants/${enc(tenantId)}/metrics?${params.toString()}`)
  },
  eventsUrl (tenantIds) {
    const params = new URLSearchParams()
    for (const t of tenantIds) params.append('tenant', t)
    return `/v1/events?${params.toString()}`
  },
}
