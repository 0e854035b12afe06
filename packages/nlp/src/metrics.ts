export interface ClassMetrics {
  precision: number
  recall: number
  f1: number
  support: number
}

export interface ClassificationReport<Label extends string> {
  labels: readonly Label[]
  /** `confusion[gold][predicted]`, indexed like `labels`. */
  confusion: number[][]
  perClass: Record<Label, ClassMetrics>
  accuracy: number
  macroRecall: number
  macroF1: number
  count: number
}

function safeDivide (numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator
}

/**
 * Single-label metrics. Macro averages are over every label in `labels`, including labels with no
 * gold examples (their recall counts as 0), as SemEval's AvgRec does.
 */
export function classificationReport<Label extends string> (labels: readonly Label[], gold: readonly Label[], predicted: readonly Label[]): ClassificationReport<Label> {
  if (gold.length !== predicted.length) throw new RangeError(`${gold.length} gold labels but ${predicted.length} predictions`)
  const index = new Map(labels.map((label, i) => [label, i]))
  const confusion = labels.map(() => labels.map(() => 0))
  gold.forEach((label, i) => {
    const g = index.get(label)
    const p = index.get(predicted[i] as Label)
    if (g === undefined || p === undefined) throw new RangeError(`label "${g === undefined ? label : predicted[i]}" is not one of ${labels.join(', ')}`)
    const row = confusion[g] as number[]
    row[p] = (row[p] as number) + 1
  })
  const perClass = {} as Record<Label, ClassMetrics>
  let correct = 0
  labels.forEach((label, i) => {
    const truePositives = (confusion[i] as number[])[i] as number
    correct += truePositives
    const support = (confusion[i] as number[]).reduce((sum, n) => sum + n, 0)
    const predictedCount = confusion.reduce((sum, row) => sum + (row[i] as number), 0)
    const precision = safeDivide(truePositives, predictedCount)
    const recall = safeDivide(truePositives, support)
    perClass[label] = { precision, recall, f1: safeDivide(2 * precision * recall, precision + recall), support }
  })
  const metrics = labels.map((label) => perClass[label])
  return {
    labels,
    confusion,
    perClass,
    accuracy: safeDivide(correct, gold.length),
    macroRecall: safeDivide(metrics.reduce((sum, m) => sum + m.recall, 0), labels.length),
    macroF1: safeDivide(metrics.reduce((sum, m) => sum + m.f1, 0), labels.length),
    count: gold.length,
  }
}

/** A fixed-width confusion matrix, gold in rows and predictions in columns. */
export function formatConfusion<Label extends string> (report: ClassificationReport<Label>): string {
  const width = Math.max(8, ...report.labels.map((label) => label.length + 1))
  const cell = (text: string | number): string => String(text).padStart(width)
  const header = 'gold \\ predicted'.padEnd(18) + report.labels.map(cell).join('')
  const rows = report.labels.map((label, i) => label.padEnd(18) + (report.confusion[i] as number[]).map(cell).join(''))
  return [header, ...rows].join('\n')
}
