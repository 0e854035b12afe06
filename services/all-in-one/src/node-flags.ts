/**
 * Node flags for the all-in-one process (scripts/start.ts and the memory check pass them). The live
 * heap stays under ~80 MB while replaying the sample; without a cap V8 let the heap grow past
 * 150 MB between collections, which pushed peak RSS over the 500 MB budget in some runs.
 */
export const allInOneNodeFlags = ['--max-old-space-size=192']
