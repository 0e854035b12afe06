import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { evaluateSet, formatSetResult, jsonSummary, loadEvalSets } from '../src/evaluate.js'
import { createMentionClassifier } from '../src/mention-classifier.js'

const { values } = parseArgs({ options: { data: { type: 'string' }, split: { type: 'string' }, json: { type: 'string' }, models: { type: 'string' } } })
if (values.data === undefined) {
  console.error('usage: npm run eval -- --data <tweeteval folder | complaints.csv | mentions.jsonl> [--split NAME (JSONL: train|heldout|all)] [--json FILE] [--models DIR (default packages/nlp/models)]')
  process.exit(2)
}
const classifier = createMentionClassifier(values.models === undefined ? {} : { modelDir: values.models })
console.log(`model ${classifier.modelVersion}`)
const results = loadEvalSets(values.data, values.split).map((set) => evaluateSet(classifier, set))
for (const result of results) console.log(formatSetResult(result))
if (values.json !== undefined) {
  writeFileSync(values.json, JSON.stringify({ modelVersion: classifier.modelVersion, ...jsonSummary(results) }, null, 2) + '\n')
  console.log(`wrote ${values.json}`)
}
