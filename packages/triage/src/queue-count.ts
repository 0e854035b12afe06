import { type Policy } from './policy.js'
import { type Condition } from './policy-schema.js'

function thresholds (condition: Condition | undefined): number[] {
  if (condition === undefined) return []
  return [
    ...(condition.queue === undefined ? [] : [condition.queue.over]),
    ...(condition.all ?? []).flatMap(thresholds),
    ...(condition.any ?? []).flatMap(thresholds),
    ...thresholds(condition.not),
  ]
}

/**
 * How far the brand queue must be counted for this policy: one more than the largest threshold it
 * compares the queue with (overspill and `queue` conditions), 0 when it never looks at the queue.
 * A count stopped there decides every comparison exactly, and a busy tenant's tens of thousands of
 * open tickets are not counted again for every batch.
 */
export function queueCountLimit (policy: Policy): number {
  const all = [
    ...(policy.document.coverage.overspill === undefined ? [] : [policy.document.coverage.overspill.queue_over]),
    ...policy.document.rules.flatMap((rule) => thresholds(rule.when)),
  ]
  return all.length === 0 ? 0 : Math.max(...all) + 1
}
