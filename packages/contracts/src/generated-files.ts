import { asyncApiDocument } from './asyncapi.js'
import { canonicalJson, jsonSchemas } from './json-schema.js'
import { topicNames } from './topics.js'

export interface GeneratedFile {
  /** Relative to packages/contracts. */
  path: string
  content: string
}

/** Every checked-in generated file with its exact content; `npm run generate` writes them, a unit test compares them. */
export function generatedFiles (): GeneratedFile[] {
  const schemas = jsonSchemas()
  return [
    ...topicNames.map((topic) => ({ path: `schemas/${topic}.schema.json`, content: canonicalJson(schemas[topic]) })),
    { path: 'asyncapi.json', content: canonicalJson(asyncApiDocument()) },
  ]
}
