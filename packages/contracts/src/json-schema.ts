import { z } from 'zod'
import { eventCatalog, type Topic, topicNames } from './topics.js'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonSchema = { [key: string]: JsonValue }

export const jsonSchemaDialect = 'https://json-schema.org/draft/2020-12/schema'

/** One JSON Schema (draft 2020-12) per event, for readers outside TypeScript. Refinements (id = platform:nativeId, raw size) are stated in descriptions. */
export function jsonSchemas (): Record<Topic, JsonSchema> {
  return Object.fromEntries(topicNames.map((topic) => [topic, jsonSchemaFor(topic)])) as Record<Topic, JsonSchema>
}

export function jsonSchemaFor (topic: Topic): JsonSchema {
  return z.toJSONSchema(eventCatalog[topic], { target: 'draft-2020-12', unrepresentable: 'throw' }) as JsonSchema
}

/** Sorted keys, two-space indent, trailing newline: the same input always gives the same bytes. */
export function canonicalJson (value: JsonValue): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`
}

function sortKeys (value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key] as JsonValue)]))
}
