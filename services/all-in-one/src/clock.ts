/** The real clock, or one that starts at `startsAt` and runs at the real clock's pace. */
export function runningClock (startsAt?: string, realNow: () => number = Date.now): () => Date {
  if (startsAt === undefined) return () => new Date(realNow())
  const offset = Date.parse(startsAt) - realNow()
  return () => new Date(realNow() + offset)
}
