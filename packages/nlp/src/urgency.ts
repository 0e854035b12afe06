import { type FlagName, type IntentLabel, type SentimentLabel, type UrgencyLevel } from '@earshot/contracts'

export interface UrgencyInput {
  intents: readonly IntentLabel[]
  sentiment: { label: SentimentLabel, score: number }
  flags: Readonly<Record<FlagName, boolean>>
  /** A hacked or taken-over account, unauthorised transactions. */
  accountCompromise: boolean
  /** Someone's personal data shown to others (a breach, another customer's details). */
  dataExposure: boolean
  /** The trained detector reads a hack or data exposure that the keyword rules did not name. */
  securityDetected?: boolean
  /** The customer cannot do something right now (travel, pay, log in). */
  blocked: boolean
  followers: number
  verified: boolean
  /** A verified news outlet or journalist. */
  press: boolean
  engagement: { likes: number, reposts: number, replies: number }
  /**
   * The models lean negative without reaching their cut (a complaint or churn score just under its
   * threshold), or the detector trained on the brand mentions reads the post as negative about the brand
   * (a headline, sarcasm): enough for a post many people will see, where a miss costs more than a false alarm.
   */
  leansNegative?: boolean
}

export interface Urgency {
  score: number
  level: UrgencyLevel
  reasons: string[]
}

/** Each level owns a score band, so the score orders tickets across levels as well as within them. */
export const urgencyBands: Record<UrgencyLevel, { min: number, max: number }> = {
  low: { min: 0, max: 24 },
  normal: { min: 25, max: 49 },
  high: { min: 50, max: 74 },
  critical: { min: 75, max: 100 },
}

export const highReachFollowers = 100_000
/** likes + 2 × reposts + replies at which a negative post counts as going viral. */
export const viralEngagement = 1_000

export function engagementOf (engagement: UrgencyInput['engagement']): number {
  return engagement.likes + 2 * engagement.reposts + engagement.replies
}

/** Negative by its sentiment or intents (`stated`), only by the models' lean (`leaning`), or neither. */
function negativityOf (input: Pick<UrgencyInput, 'sentiment' | 'intents' | 'leansNegative'>): 'stated' | 'leaning' | undefined {
  if (input.sentiment.label === 'negative' || input.intents.includes('complaint') || input.intents.includes('churn_threat') || input.intents.includes('outage_report')) return 'stated'
  return input.leansNegative === true ? 'leaning' : undefined
}

/** Negative and seen by many: a high-reach author or press, or a post that is taking off. */
export function isHighReachNegative (input: Pick<UrgencyInput, 'sentiment' | 'intents' | 'followers' | 'press' | 'engagement' | 'leansNegative'>): boolean {
  return negativityOf(input) !== undefined && (input.followers >= highReachFollowers || input.press || engagementOf(input.engagement) >= viralEngagement)
}

/**
 * The level is the highest level any trigger reaches (table in the README); the score is the
 * level's band start plus modifiers (further triggers, negative strength, reach, engagement),
 * capped at the band's top. Safety and legal threats always reach `critical`, even on spam.
 */
export function scoreUrgency (input: UrgencyInput): Urgency {
  const critical: string[] = []
  const high: string[] = []
  const normal: string[] = []
  if (input.flags.safety) critical.push('flag:safety')
  if (input.flags.legalThreat) critical.push('flag:legalThreat')
  const spam = input.flags.spam || input.intents.includes('spam')
  if (!spam) {
    if (input.accountCompromise) critical.push('security:account_compromise')
    if (input.dataExposure) critical.push('security:data_exposure')
    if (input.securityDetected === true && !input.accountCompromise && !input.dataExposure) critical.push('security:detected')
    if (isHighReachNegative(input)) critical.push(input.followers >= highReachFollowers ? 'reach:high_negative' : input.press ? 'reach:press_negative' : 'reach:viral_negative')
    if (input.intents.includes('outage_report')) high.push('intent:outage_report')
    if (input.intents.includes('churn_threat')) high.push('intent:churn_threat')
    if (input.blocked && (input.sentiment.label === 'negative' || input.intents.includes('complaint'))) high.push('customer:blocked')
    for (const intent of ['complaint', 'question', 'purchase_intent'] as const) if (input.intents.includes(intent)) normal.push(`intent:${intent}`)
  }
  const level: UrgencyLevel = critical.length > 0 ? 'critical' : high.length > 0 ? 'high' : normal.length > 0 ? 'normal' : 'low'
  const triggers = level === 'critical' ? critical : level === 'high' ? high : level === 'normal' ? normal : spam ? ['intent:spam'] : []
  const reasons = [...triggers]
  // A reach trigger on a post whose sentiment and intents are not negative: say where the negativity came from.
  if (level === 'critical' && triggers.some((trigger) => trigger.startsWith('reach:')) && negativityOf(input) === 'leaning') reasons.push('sentiment:leans_negative')
  let points = 5 * Math.max(0, triggers.length - 1)
  if (level === 'high') {
    reasons.push(...normal)
    points += 2 * normal.length
  }
  if (!spam) {
    if (input.sentiment.label === 'negative') {
      points += Math.round(input.sentiment.score * 6)
      reasons.push('sentiment:negative')
    }
    const { followers } = input
    if (followers >= highReachFollowers) {
      points += 6
      reasons.push('author.followers>=100k')
    } else if (followers >= 10_000) {
      points += 4
      reasons.push('author.followers>=10k')
    } else if (followers >= 1_000) points += 2
    if (input.verified) {
      points += 2
      reasons.push(input.press ? 'author.press' : 'author.verified')
    }
    const engagement = engagementOf(input.engagement)
    if (engagement >= viralEngagement) {
      points += 6
      reasons.push('engagement>=1000')
    } else if (engagement >= 100) {
      points += 4
      reasons.push('engagement>=100')
    } else if (engagement >= 10) points += 2
    if (input.flags.prRisk) {
      points += 3
      if (!reasons.includes('flag:prRisk')) reasons.push('flag:prRisk')
    }
    if (input.flags.pii) reasons.push('flag:pii')
  }
  const band = urgencyBands[level]
  return { score: Math.min(band.max, band.min + points), level, reasons }
}
