/**
 * Whole-pipeline k-fold cross-validation on the TRAIN split of the labelled brand mentions: the
 * intent and flag models are retrained without each fold (the text models and rules stay as they
 * are) and the fold is classified end to end. Protocol-clean (held-out rows are never read), but
 * flattering wherever rules were written with train rows in view.
 *   npm run cross-validate -- [--folds 4] [--show-misses] [--show-false-alarms] [--config '{"flags":{"beta":3}}']
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type IntentLabel } from '@earshot/contracts'
import { createClassifier, loadModelArtifacts, type ModelArtifacts } from '../src/classifier.js'
import { readComplaintsCsv, readSemevalTsv } from '../src/datasets.js'
import { intentMetrics } from '../src/evaluate.js'
import { classificationReport } from '../src/metrics.js'
import { readLabelledMentions } from '../src/labelled-mentions.js'
import { createMentionClassifier } from '../src/mention-classifier.js'
import { createPrng, shuffleInPlace } from '../src/prng.js'
import { defaultTrainingConfig, type TrainingConfig, trainFlagModel, trainIntentModels, weakFlagTexts } from '../src/training.js'

const { values } = parseArgs({ options: { folds: { type: 'string', default: '4' }, 'show-misses': { type: 'boolean', default: false }, 'show-false-alarms': { type: 'boolean', default: false }, config: { type: 'string', default: '{}' } } })
const folds = Number(values.folds)
// --config '{"flags":{"beta":3}}': sections merged over the defaults, to compare settings before changing them.
const overrides = JSON.parse(values.config) as { intents?: Partial<TrainingConfig['intents']>, flags?: Partial<TrainingConfig['flags']> }
const config: TrainingConfig = { ...defaultTrainingConfig, intents: { ...defaultTrainingConfig.intents, ...overrides.intents }, flags: { ...defaultTrainingConfig.flags, ...overrides.flags } }
const dataDir = process.env.EARSHOT_DATA_DIR ?? join(__dirname, '..', '..', '..', '..', 'shared', 'data')
const base = loadModelArtifacts()
const { intents: _intents, flags: _flags, ...textManifest } = base.manifest
const textOnly: ModelArtifacts = { manifest: textManifest, sentimentModels: base.sentimentModels, complaintModel: base.complaintModel }
const textClassifier = createClassifier(textOnly)
const rows = readLabelledMentions(join(__dirname, '..', 'data', 'brand-mentions.jsonl'), 'train')
const weakTexts = weakFlagTexts(readComplaintsCsv(join(dataDir, 'complaints-twitter', 'train.csv')), readSemevalTsv(join(dataDir, 'tweeteval-sentiment', 'semeval2013-2016_train.tsv')))
const fold = shuffleInPlace(rows.map((_, i) => i % folds), createPrng(7))
const gold: IntentLabel[][] = []
const predicted: IntentLabel[][] = []
const critical = { gold: 0, predicted: 0, both: 0 }
const sentiment = { gold: [] as string[], predicted: [] as string[] }
for (let k = 0; k < folds; k++) {
  const train = rows.filter((_, i) => fold[i] !== k)
  const intents = trainIntentModels(textClassifier, train, config)
  const flags = trainFlagModel(train, weakTexts, config)
  const classifier = createMentionClassifier({
    artifacts: {
      ...textOnly,
      intentModel: intents.model,
      flagModel: flags.model,
      manifest: { ...textManifest, intents: { file: 'intents.bin', thresholds: intents.thresholds, otherMargin: config.intents.otherMargin }, flags: { file: 'flags.bin', thresholds: flags.thresholds } },
    },
  })
  for (const row of rows.filter((_, i) => fold[i] === k)) {
    const result = classifier.classify(row)
    if (row.labels.sentiment !== undefined) {
      sentiment.gold.push(row.labels.sentiment)
      sentiment.predicted.push(result.sentiment.label)
    }
    if (row.labels.intents !== undefined) {
      gold.push([...row.labels.intents])
      predicted.push(result.intents.map((intent) => intent.label))
    }
    if (row.labels.urgency === undefined) continue
    const isGold = row.labels.urgency === 'critical'
    const isPredicted = result.urgency.level === 'critical'
    if (isGold) critical.gold++
    if (isPredicted) critical.predicted++
    if (isGold && isPredicted) critical.both++
    if (values['show-misses'] && isGold && !isPredicted) console.log(`missed critical (${result.urgency.level}): ${row.text}`)
    if (values['show-false-alarms'] && isPredicted && !isGold) console.log(`false critical (gold ${row.labels.urgency}; ${result.urgency.reasons.filter((reason) => /^(flag:(safety|legalThreat)|security:|reach:)/.test(reason)).join(' ')}): ${row.text}`)
  }
  process.stderr.write(`fold ${k + 1}/${folds} done\n`)
}
const metrics = intentMetrics(gold, predicted)
const percent = (value: number): string => (value * 100).toFixed(1)
console.log(`${rows.length} train rows, ${folds}-fold: intents macro-F1 ${percent(metrics.macroF1)} (${Object.entries(metrics.perLabel).map(([label, m]) => `${label} ${percent(m.f1)}`).join(', ')})`)
const sentimentReport = classificationReport(['negative', 'neutral', 'positive'], sentiment.gold, sentiment.predicted)
console.log(`sentiment macro-recall ${percent(sentimentReport.macroRecall)} macro-F1 ${percent(sentimentReport.macroF1)} (${sentiment.gold.length} rows)`)
console.log(`critical recall ${percent(critical.both / critical.gold)} precision ${percent(critical.both / critical.predicted)} (${critical.gold} critical rows)`)
