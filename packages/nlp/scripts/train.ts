import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultModelDir } from '../src/classifier.js'
import { defaultDataPaths, defaultTrainingConfig, trainModels, writeModels } from '../src/training.js'

const { values } = parseArgs({ options: { corrections: { type: 'string' }, out: { type: 'string' } } })
const dataDir = process.env.EARSHOT_DATA_DIR ?? join(__dirname, '..', '..', '..', '..', 'shared', 'data')
const paths = defaultDataPaths(dataDir)
if (values.corrections !== undefined) paths.corrections = values.corrections
const started = Date.now()
const result = trainModels(paths, defaultTrainingConfig, (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`))
// --out writes a candidate elsewhere, to compare with `npm run eval -- --models DIR` before replacing models/.
const outDir = values.out ?? defaultModelDir
writeModels(outDir, result, defaultTrainingConfig)
console.log(`wrote ${Object.keys(result.files).join(', ')} and manifest.json to ${outDir}; MODEL_VERSION ${result.manifest.modelVersion}`)
