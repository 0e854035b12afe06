import type { RecentTicket, StoreStatus } from './status.js'

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => escapes[char] ?? char)

/**
 * A stop-gap console until the API's own is mounted: counts and the newest tickets, refreshed
 * every three seconds. Everything from mentions is escaped.
 */
export function renderConsole (status: StoreStatus, tickets: readonly RecentTicket[]): string {
  const rows = tickets.map((ticket) => `<tr class="${escapeHtml(ticket.priority)}"><td>${escapeHtml(ticket.createdAt.slice(11, 19))}</td><td>${escapeHtml(ticket.tenantId)}</td><td>${escapeHtml(ticket.priority)}</td><td>${escapeHtml(ticket.status)}</td><td>${escapeHtml(ticket.team ?? '')}</td><td>${escapeHtml(ticket.tags.join(', '))}</td><td>${escapeHtml(ticket.text)}</td></tr>`).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Earshot (all-in-one)</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.critical td:nth-child(3){color:#b00;font-weight:bold}.high td:nth-child(3){color:#c60}</style></head>
<body><h1>Earshot</h1>
<p>${status.mentions} mentions, ${status.tickets} tickets, ${status.incidents} incidents. JSON: <a href="/v1/status">/v1/status</a>, <a href="/status/tickets">/status/tickets</a>.</p>
<table><thead><tr><th>time</th><th>tenant</th><th>priority</th><th>status</th><th>team</th><th>tags</th><th>first mention</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`
}
