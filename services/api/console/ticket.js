// The ticket view: header with SLA, actions, the suggested reply (approve or edit then send),
// the mention thread with each classification and the triage rule explanation, and the audit trail.

import { api, ApiError } from './api.js'
import { h, on, replaceChildren } from './dom.js'
import { clock, closedStatuses, label, percent, slaText } from './format.js'

const $ = (id) => document.getElementById(id)

const actions = [
  { name: 'take', text: 'Take', key: 't' },
  { name: 'assign', text: 'Assign…', form: true },
  { name: 'acknowledge', text: 'Acknowledge' },
  { name: 'escalate', text: 'Escalate…', key: 'e', form: true },
  { name: 'notes', text: 'Add note…', form: true },
  { name: 'snooze', text: 'Snooze…', form: true },
  { name: 'resolve', text: 'Resolve', key: 'r' },
  { name: 'reopen', text: 'Reopen' },
]

const doneText = {
  take: 'Ticket taken',
  assign: 'Ticket assigned',
  acknowledge: 'Ticket acknowledged',
  escalate: 'Ticket escalated',
  notes: 'Note added',
  snooze: 'Ticket snoozed',
  resolve: 'Ticket resolved',
  reopen: 'Ticket reopened',
  reply: 'Reply sent',
}

function isSafeUrl (url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url)
}

export function createTicketView (ctx) {
  const pane = $('ticket-pane')
  let current = null // { tenantId, ticketId }
  let detail = null
  let draft = null // the moderator's edited reply, kept across live refreshes
  let editing = false
  let busy = false
  let refreshTimer

  const ticketOf = () => detail?.ticket ?? null
  const acknowledgementOf = (ticket) => ticket?.acknowledgement ?? ticket?.details?.acknowledgement ?? null

  async function show (target) {
    if (!current || current.tenantId !== target.tenantId || current.ticketId !== target.ticketId) {
      draft = null
      editing = false
    }
    current = target
    await load()
  }

  async function load () {
    if (!current) return
    const target = current
    try {
      const data = await api.ticket(target.tenantId, target.ticketId)
      if (current !== target) return
      detail = data
      render()
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        detail = null
        replaceChildren(pane, h('div', { class: 'empty-state' }, h('p', null, 'This ticket does not exist or you have no access to it.')))
        return
      }
      throw err
    }
  }

  function headerOf (ticket) {
    const due = ticket.dueAt ?? ticket.sla?.firstResponseDueAt ?? ticket.sla?.nextResponseDueAt ?? null
    const sla = slaText(due)
    const open = !closedStatuses.includes(ticket.status)
    return h('header', { class: 'ticket-header' },
      h('div', { class: 'ticket-title' },
        ctx.tenantBadge(ticket.tenantId),
        h('h2', { id: 'ticket-title' }, (ticket.tags ?? []).includes('incident') ? 'Incident' : `Ticket on ${label(ticket.platform)}`),
        h('span', { class: 'ticket-id muted' }, ticket.id)),
      h('div', { class: 'ticket-facts' },
        h('span', { class: 'chip chip-status', dataset: { value: ticket.status } }, label(ticket.status)),
        h('span', { class: 'chip chip-priority', dataset: { value: ticket.priority } }, `${label(ticket.priority)} priority`),
        ticket.team ? h('span', { class: 'chip' }, `team ${ticket.team}`) : null,
        h('span', { class: 'chip' }, ticket.assignee ? `assigned to ${ticket.assignee}` : 'unassigned'),
        ...(ticket.tags ?? []).map((tag) => h('span', { class: ['chip', tag === 'incident' ? 'chip-incident' : 'chip-tag'] }, `#${tag}`)),
        open ? h('span', { class: 'sla big', dataset: { due: due ?? '', state: sla.state } }, sla.text) : null))
  }

  function actionBar (ticket) {
    const closed = closedStatuses.includes(ticket.status)
    const bar = h('div', { class: 'action-bar', role: 'toolbar', 'aria-label': 'Ticket actions' })
    for (const action of actions) {
      const disabled = busy || (action.name === 'reopen' ? !closed : closed)
      const button = h('button', {
        type: 'button',
        class: ['action', action.name === 'resolve' ? 'primary' : 'secondary'],
        dataset: { action: action.name },
        disabled,
        'aria-keyshortcuts': action.key,
        title: action.key ? `${action.text} (${action.key})` : undefined,
      }, action.text, action.key ? h('kbd', { 'aria-hidden': 'true' }, action.key) : null)
      on(button, 'click', () => { runAction(action.name).catch(ctx.reportError) })
      bar.appendChild(button)
    }
    return bar
  }

  function replyBox (ticket) {
    const ack = acknowledgementOf(ticket)
    // The queue item has no broadcast text; the incident.detected snapshot from the live feed does.
    const known = ctx.incidentOf(ticket.tenantId, ticket.id)
    const broadcast = ticket.suggestedBroadcast ?? ticket.incident?.suggestedBroadcast ?? ticket.details?.suggestedBroadcast ?? known?.suggestedBroadcast ?? null
    const suggested = ack?.text ?? broadcast
    if (!suggested) return null
    const closed = closedStatuses.includes(ticket.status)
    // A reply without a draft (e.g. a broadcast) leaves no state on the ticket; the audit trail has it.
    const replies = (detail?.audit ?? []).filter((row) => /reply|replied/.test(String(row.action)))
    const lastReply = replies.reduce((a, b) => (a === null || String(b.at) > String(a.at) ? b : a), null)
    const sent = Boolean((ack && (ack.state === 'sent' || ack.state === 'approved' || ack.sentAt)) || lastReply)
    const sentText = typeof lastReply?.details?.text === 'string' ? lastReply.details.text : null
    const heading = broadcast && !ack ? 'Suggested broadcast' : 'Suggested reply'
    const area = h('textarea', { id: 'reply-text', name: 'reply', rows: '4', readonly: !editing, 'aria-describedby': 'reply-hint' })
    area.value = sent && sentText !== null ? sentText : (draft ?? suggested)
    on(area, 'input', () => { draft = area.value })
    const approve = h('button', { type: 'button', id: 'approve-reply', class: 'primary', disabled: busy || closed || sent, 'aria-keyshortcuts': 'a' },
      sent ? 'Sent' : editing ? 'Send edited reply' : 'Approve and send', sent ? null : h('kbd', { 'aria-hidden': 'true' }, 'a'))
    on(approve, 'click', () => { approveReply().catch(ctx.reportError) })
    const edit = h('button', { type: 'button', id: 'edit-reply', class: 'secondary', disabled: busy || closed || sent }, editing ? 'Stop editing' : 'Edit')
    on(edit, 'click', () => {
      editing = !editing
      render()
      if (editing) $('reply-text')?.focus()
    })
    return h('section', { class: ['reply-box', sent && 'is-sent'], 'aria-labelledby': 'reply-heading' },
      h('h3', { id: 'reply-heading' }, heading,
        ack?.mode ? h('span', { class: 'muted small' }, ` · ${label(ack.mode)}${ack.template ? ` · template ${ack.template}` : ''}`) : null),
      h('label', { for: 'reply-text', class: 'visually-hidden' }, heading),
      area,
      h('p', { id: 'reply-hint', class: 'muted small' },
        sent ? 'This reply has been sent.' : editing ? 'Edit the text, then send it.' : 'Approve sends this text to the author as it is; Edit lets you change it first.'),
      h('div', { class: 'reply-buttons' }, approve, edit))
  }

  function classificationOf (classification) {
    if (!classification) return h('p', { class: 'muted small' }, 'Not classified.')
    const sentiment = classification.sentiment ?? {}
    const urgency = classification.urgency ?? {}
    const flags = classification.flags ?? {}
    return h('div', { class: 'classification' },
      h('div', { class: 'class-block' },
        h('h4', null, 'Sentiment'),
        h('span', { class: 'chip chip-sentiment', dataset: { value: sentiment.label } }, label(sentiment.label)),
        typeof sentiment.score === 'number' ? h('span', { class: 'muted small' }, ` ${percent(sentiment.score)}`) : null),
      h('div', { class: 'class-block' },
        h('h4', null, 'Urgency'),
        h('span', { class: 'urgency', dataset: { level: urgency.level } }, label(urgency.level), h('span', { class: 'score' }, String(Math.round(urgency.score ?? 0)))),
        h('ul', { class: 'reasons' }, (urgency.reasons ?? []).map((reason) => h('li', null, reason)))),
      h('div', { class: 'class-block intents' },
        h('h4', null, 'Intents'),
        (classification.intents ?? []).length === 0
          ? h('p', { class: 'muted small' }, 'none')
          : h('ul', null, classification.intents.map((intent) => h('li', null,
            h('span', { class: 'intent-label' }, label(intent.label)),
            h('meter', { min: '0', max: '1', value: String(intent.confidence), 'aria-label': `${label(intent.label)} confidence` }),
            h('span', { class: 'muted small' }, percent(intent.confidence)))))),
      h('div', { class: 'class-block flags' },
        h('h4', null, 'Flags'),
        h('ul', null, Object.entries(flags).map(([name, raised]) =>
          h('li', { class: raised ? 'flag raised' : 'flag' }, raised ? '● ' : '○ ', label(name))))),
      classification.modelVersion ? h('p', { class: 'muted small model' }, `model ${classification.modelVersion}`) : null)
  }

  function conditionTree (trace) {
    if (!trace) return null
    return h('li', { class: trace.passed ? 'passed' : 'failed' },
      h('span', { class: 'cond-kind' }, trace.kind), ' ', h('span', null, trace.detail ?? ''),
      trace.children?.length ? h('ul', null, trace.children.map(conditionTree)) : null)
  }

  function explanationOf (decision) {
    if (!decision) return h('p', { class: 'muted small' }, 'No triage decision recorded.')
    const explanation = decision.explanation ?? {}
    const rules = explanation.rules ?? []
    return h('details', { class: 'explanation', open: true },
      h('summary', null, 'Why: ', (decision.matchedRules ?? []).length === 0 ? 'no rule matched (policy defaults)' : `matched ${decision.matchedRules.join(', ')}`),
      (explanation.lines ?? []).length > 0 ? h('ul', { class: 'lines' }, explanation.lines.map((line) => h('li', null, line))) : null,
      rules.length > 0
        ? h('ol', { class: 'rules' }, rules.map((rule) => h('li', { class: rule.matched ? 'matched' : 'unmatched' },
          h('strong', null, rule.name), ' ',
          h('span', { class: 'muted small' }, rule.matched ? (rule.applied ? 'matched · applied' : `matched · not applied${rule.stoppedBy ? ` (stopped by ${rule.stoppedBy})` : ''}`) : 'did not match'),
          rule.actions?.length ? h('span', { class: 'muted small' }, ` → ${rule.actions.join(', ')}`) : null,
          rule.condition ? h('ul', { class: 'conditions' }, conditionTree(rule.condition)) : null)))
        : null,
      decision.coverage?.who
        ? h('p', { class: 'muted small' }, `Covered by the ${label(decision.coverage.who)} team (${label(decision.coverage.why ?? '')})${decision.coverage.triageOnly ? ' · triage only: no free replies' : ''}`)
        : null)
  }

  function mentionOf (entry, index, all) {
    const mention = entry.mention ?? entry
    const author = mention.author ?? {}
    const name = author.name || author.displayName || author.handle || 'unknown author'
    return h('article', { class: 'mention', 'aria-label': `Mention ${index + 1} of ${all.length}` },
      h('header', { class: 'mention-head' },
        h('span', { class: 'author' }, name),
        author.handle ? h('span', { class: 'handle muted' }, `@${String(author.handle).replace(/^@/, '')}`) : null,
        author.verified ? h('span', { class: 'chip' }, 'verified') : null,
        typeof author.followers === 'number' ? h('span', { class: 'muted small' }, `${author.followers.toLocaleString()} followers`) : null,
        h('span', { class: 'muted small' }, `${label(mention.platform)} · ${clock(mention.createdAt)}`),
        isSafeUrl(mention.url) ? h('a', { href: mention.url, target: '_blank', rel: 'noopener noreferrer', class: 'small' }, 'view original') : null),
      h('p', { class: 'mention-text' }, mention.text ?? ''),
      h('div', { class: 'mention-analysis' },
        classificationOf(entry.classification ?? mention.classification),
        explanationOf(entry.decision)))
  }

  function auditOf (audit) {
    if (!Array.isArray(audit) || audit.length === 0) return null
    return h('section', { class: 'audit', 'aria-labelledby': 'audit-heading' },
      h('h3', { id: 'audit-heading' }, 'History'),
      h('ol', null, audit.map((row) => {
        const actor = row.actorId ?? row.actor ?? ''
        const details = row.details && typeof row.details === 'object'
          ? Object.entries(row.details).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => `${k}: ${v}`).join(' · ')
          : ''
        return h('li', null,
          h('span', { class: 'muted small' }, clock(row.at ?? row.createdAt)), ' ',
          h('strong', null, label(row.action)), ' ',
          actor ? h('span', { class: 'muted' }, `by ${typeof actor === 'string' ? actor : actor.name ?? actor.id ?? ''}`) : null,
          details ? h('span', { class: 'small audit-details' }, ` — ${details}`) : null)
      })))
  }

  function render () {
    const ticket = ticketOf()
    if (!ticket) return
    const mentions = detail.mentions ?? []
    replaceChildren(pane,
      h('div', { class: 'ticket', 'aria-labelledby': 'ticket-title' },
        headerOf(ticket),
        actionBar(ticket),
        replyBox(ticket),
        h('section', { class: 'thread', 'aria-label': 'Mentions' },
          h('h3', null, `Thread · ${mentions.length} mention${mentions.length === 1 ? '' : 's'}`),
          mentions.map(mentionOf)),
        auditOf(detail.audit)))
  }

  async function perform (action, body, focusAfter) {
    if (!current) return
    const target = current
    busy = true
    render()
    try {
      await api.action(target.tenantId, target.ticketId, action, body)
      ctx.toast(doneText[action] ?? 'Done', 'success')
      if (action === 'reply') {
        draft = null
        editing = false
      }
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) ctx.toast(`${doneText[action] ? action : 'Action'} failed: ${err.message}`, 'error')
      else throw err
    } finally {
      busy = false
    }
    await load()
    ctx.queue.scheduleReload(0)
    if (focusAfter) pane.querySelector(focusAfter)?.focus()
  }

  function openForm (title, fields, submitText, onSubmit) {
    const dialog = $('action-dialog')
    $('action-dialog-title').textContent = title
    $('action-error').textContent = ''
    $('action-submit').textContent = submitText
    replaceChildren($('action-fields'), fields)
    const form = $('action-form')
    const close = () => { dialog.close() }
    const submit = async (event) => {
      event.preventDefault()
      const data = new FormData(form)
      try {
        const body = onSubmit(data)
        if (body === null) return
        close()
        await onSubmit.run(body)
      } catch (err) {
        $('action-error').textContent = err instanceof Error ? err.message : String(err)
      }
    }
    form.addEventListener('submit', submit)
    $('action-cancel').addEventListener('click', close, { once: true })
    dialog.addEventListener('close', () => { form.removeEventListener('submit', submit) }, { once: true })
    dialog.showModal()
    dialog.querySelector('input, textarea, select')?.focus()
  }

  function field (id, text, control) {
    return h('div', { class: 'field' }, h('label', { for: id }, text), control)
  }

  function required (data, name, message) {
    const value = String(data.get(name) ?? '').trim()
    if (value === '') {
      $('action-error').textContent = message
      return null
    }
    return value
  }

  function formFor (name) {
    const run = (action) => (body) => perform(action, body, `[data-action="${action}"]`)
    if (name === 'assign') {
      const submit = (data) => {
        const assignee = required(data, 'assignee', 'Enter who should own this ticket.')
        return assignee === null ? null : { assignee }
      }
      submit.run = run('assign')
      openForm('Assign ticket', [field('f-assignee', 'Assignee', h('input', { id: 'f-assignee', name: 'assignee', type: 'text', required: true, autocomplete: 'off', value: ticketOf()?.assignee ?? '' }))], 'Assign', submit)
    } else if (name === 'escalate') {
      const submit = (data) => {
        const team = required(data, 'team', 'Enter the team to escalate to.')
        if (team === null) return null
        const priority = String(data.get('priority') ?? '')
        const reason = String(data.get('reason') ?? '').trim()
        return { team, ...(priority ? { priority } : {}), ...(reason ? { reason } : {}) }
      }
      submit.run = run('escalate')
      openForm('Escalate ticket', [
        field('f-team', 'Team', h('input', { id: 'f-team', name: 'team', type: 'text', required: true, autocomplete: 'off', value: ticketOf()?.team ?? '' })),
        field('f-priority', 'Priority', h('select', { id: 'f-priority', name: 'priority' },
          h('option', { value: '' }, 'Keep current'), ['critical', 'high', 'normal', 'low'].map((p) => h('option', { value: p }, label(p))))),
        field('f-reason', 'Reason', h('textarea', { id: 'f-reason', name: 'reason', rows: '3' })),
      ], 'Escalate', submit)
    } else if (name === 'notes') {
      const submit = (data) => {
        const text = required(data, 'text', 'Write the note first.')
        return text === null ? null : { text }
      }
      submit.run = run('notes')
      openForm('Add an internal note', [field('f-note', 'Note (visible to moderators only)', h('textarea', { id: 'f-note', name: 'text', rows: '4', required: true }))], 'Add note', submit)
    } else if (name === 'snooze') {
      const submit = (data) => {
        const minutes = Number(data.get('minutes'))
        return { until: new Date(Date.now() + minutes * 60_000).toISOString() }
      }
      submit.run = run('snooze')
      openForm('Snooze ticket', [field('f-snooze', 'Snooze for', h('select', { id: 'f-snooze', name: 'minutes' },
        [[30, '30 minutes'], [60, '1 hour'], [240, '4 hours'], [1440, '1 day']].map(([m, t]) => h('option', { value: String(m) }, t))))], 'Snooze', submit)
    }
  }

  async function runAction (name) {
    if (!current || !ticketOf() || busy) return
    const action = actions.find((a) => a.name === name)
    if (!action) return
    const button = pane.querySelector(`[data-action="${name}"]`)
    if (button?.disabled) return
    if (action.form) {
      formFor(name)
      return
    }
    await perform(name, {}, `[data-action="${name}"]`)
  }

  async function approveReply () {
    if (!current || busy) return
    const area = $('reply-text')
    const button = $('approve-reply')
    if (!area || !button || button.disabled) return
    const text = area.value.trim()
    if (text === '') {
      ctx.toast('The reply is empty.', 'error')
      return
    }
    await perform('reply', { text }, '#approve-reply')
  }

  return {
    show,
    reset () {
      current = null
      detail = null
      draft = null
      editing = false
      replaceChildren(pane, h('div', { class: 'empty-state' }, h('p', null, 'Select a ticket to see its thread, classification and triage explanation.')))
    },
    runAction,
    approve: approveReply,
    escalate: () => runAction('escalate'),
    applyEvent (event) {
      if (!current || event.tenantId !== current.tenantId || event.ticketId !== current.ticketId) return
      clearTimeout(refreshTimer)
      refreshTimer = setTimeout(() => { if (!busy) load().catch(ctx.reportError) }, 200)
    },
  }
}
