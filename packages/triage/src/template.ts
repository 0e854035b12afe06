export const templateVariables = [
  'author.handle',
  'author.name',
  'platform',
  'ticket.priority',
  'ticket.team',
  'sla.first_response',
  'sla.next_response',
  'sla.resolution',
  'business_hours.next_open',
] as const

export type TemplateVariable = typeof templateVariables[number]
export type TemplateValues = Record<TemplateVariable, string>

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g

/** Each `{{ name }}` in the template, with its offset in the text. */
export function templatePlaceholders (template: string): Array<{ name: string, offset: number }> {
  return [...template.matchAll(placeholder)].map((match) => ({ name: match[1] ?? '', offset: match.index }))
}

export function isTemplateVariable (name: string): name is TemplateVariable {
  return (templateVariables as readonly string[]).includes(name)
}

/** Replaces placeholders; unknown names cannot occur in a loaded policy (validation rejects them). */
export function renderTemplate (template: string, values: TemplateValues): string {
  return template.replace(placeholder, (whole, name: string) => isTemplateVariable(name) ? values[name] : whole)
}
