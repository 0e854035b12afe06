import { classificationSchema, sampleMention } from '@earshot/contracts'
import { type ModelArtifacts } from './classifier.js'
import { defaultFeatureConfig } from './features.js'
import { intentModelClasses } from './intent-model.js'
import { createLinearModel } from './linear-model.js'
import { classifyMention, createMentionClassifier, sentimentGivenIntents } from './mention-classifier.js'

// Untrained (all-zero) models: the rules, flags and urgency are what these tests exercise.
function blankArtifacts (): ModelArtifacts {
  const features = { ...defaultFeatureConfig, bits: 8 }
  return {
    manifest: { modelVersion: 'test-0', sentiment: { files: ['s'], logOffsets: [0, 0, 0] }, complaint: { file: 'c', threshold: 0.9 } },
    sentimentModels: [createLinearModel('softmax', ['negative', 'neutral', 'positive'], features)],
    complaintModel: createLinearModel('binary', ['other', 'complaint'], features),
  }
}

const classifier = createMentionClassifier({ artifacts: blankArtifacts() })
const classify = (text: string, overrides: Parameters<typeof sampleMention>[0] = {}) => classifyMention(sampleMention({ text, lang: undefined, ...overrides }), classifier)

/** Each text is critical for its reason; each near miss stays below critical. */
function expectCritical (cases: Array<[string, string]>, nearMisses: string[]): void {
  for (const [text, reason] of cases) {
    const result = classify(text)
    expect([text, result.urgency.level, result.urgency.reasons]).toEqual([text, 'critical', expect.arrayContaining([reason])])
  }
  for (const text of nearMisses) expect([text, classify(text).urgency.level]).not.toEqual([text, 'critical'])
}

test('produces a valid, deterministic classification with the model version', () => {
  const first = classify('is the app down for everyone? cannot log in')
  expect(classificationSchema.parse(first)).toEqual(first)
  expect(classify('is the app down for everyone? cannot log in')).toEqual(first)
  expect(first.modelVersion).toBe('test-0')
  expect(first.intents.map((intent) => intent.label)).toEqual(expect.arrayContaining(['question', 'outage_report']))
  expect(first.urgency.level).toBe('high')
})

test('safety and legal messages are critical in English, Spanish, French, German and Portuguese', () => {
  const safety = ['my daughter had an allergic reaction and ended up in hospital', 'mi hijo acabó en el hospital por intoxicación', 'la batterie a pris feu, fumée partout, dangereux',
    'mein Sohn wurde im Zug verletzt', 'fiquei com intoxicação alimentar depois do lanche']
  for (const text of safety) {
    const result = classify(text)
    expect([text, result.flags.safety, result.urgency.level]).toEqual([text, true, 'critical'])
  }
  const legal = ['my solicitor will be in touch', 'voy a denunciar a la empresa, ya hablé con mi abogado', 'je vais porter plainte', 'ich gehe zur Verbraucherzentrale und verklage euch', 'vou processar vocês, já fui ao Procon']
  for (const text of legal) {
    const result = classify(text)
    expect([text, result.flags.legalThreat, result.urgency.level]).toEqual([text, true, 'critical'])
  }
})

test('outage and churn keywords work in all five languages', () => {
  for (const text of ['the app is down again', 'la web está caída', "l'appli est en panne", 'Störung im Netz seit heute früh', 'o app está fora do ar']) {
    expect([text, classify(text).intents.some((intent) => intent.label === 'outage_report')]).toEqual([text, true])
  }
  for (const text of ["I'm cancelling my subscription", 'me cambio a otra compañía', 'je vais résilier mon abonnement', 'ich werde kündigen', 'vou cancelar minha assinatura']) {
    expect([text, classify(text).intents.some((intent) => intent.label === 'churn_threat')]).toEqual([text, true])
  }
})

test('a hacked account is critical; spam is low and flagged; pii and profanity are flagged', () => {
  expect(classify('my account got hacked and there are unauthorised transactions').urgency.reasons).toContain('security:account_compromise')
  const spam = classify('DM me for cheap followers, link in bio')
  expect([spam.flags.spam, spam.urgency.level]).toEqual([true, 'low'])
  expect(classify('call me back on 07700 900123').flags.pii).toBe(true)
  expect(classify('this is shit').flags.profanity).toBe(true)
})

test('discrimination or a high-reach negative author raises prRisk', () => {
  expect(classify('staff refused service because I am in a wheelchair, discrimination plain and simple').flags.prRisk).toBe(true)
  const loud = classify('worst airline ever, unacceptable, lost my bags again', { author: { id: '1', handle: 'celeb', followers: 2_000_000, verified: true } })
  expect(loud.flags.prRisk).toBe(true)
  expect(loud.urgency.level).toBe('critical')
})

test('"other" is reported only when no intent applies', () => {
  const result = classify('watching the match tonight')
  expect(result.intents.map((intent) => intent.label)).toEqual(['other'])
})

test('"other" replaces the intents when the model is nearly as sure of it as of the best one, not when clearly less sure', () => {
  const labelsWith = (complaint: number, other: number): string[] => {
    const artifacts = blankArtifacts()
    const intentModel = createLinearModel('multilabel', [...intentModelClasses], { ...defaultFeatureConfig, bits: 8 })
    const logit = (p: number): number => Math.log(p / (1 - p))
    intentModelClasses.forEach((label, k) => { intentModel.bias[k] = label === 'complaint' ? logit(complaint) : label === 'other' ? logit(other) : -5 })
    artifacts.intentModel = intentModel
    artifacts.manifest.intents = { file: 'i', thresholds: Object.fromEntries(intentModelClasses.map((label) => [label, 0.5])), otherMargin: 0.15 }
    return classifyMention(sampleMention({ text: 'watching the match tonight', lang: undefined }), createMentionClassifier({ artifacts })).intents.map((intent) => intent.label)
  }
  expect(labelsWith(0.62, 0.55)).toEqual(['other'])
  expect(labelsWith(0.85, 0.55)).toEqual(['complaint'])
  expect(labelsWith(0.62, 0.45)).toEqual(['complaint'])
})

test('the trained safety/legal detector adds flags (and critical urgency) but never removes a keyword flag', () => {
  const artifacts = blankArtifacts()
  const features = { ...defaultFeatureConfig, bits: 8 }
  const flagModel = createLinearModel('multilabel', ['safety', 'legalThreat'], features)
  flagModel.bias[0] = 5 // safety always above its threshold
  flagModel.bias[1] = -5 // legal never
  artifacts.flagModel = flagModel
  artifacts.manifest.flags = { file: 'f', thresholds: { safety: 0.5, legalThreat: 0.5 } }
  const withDetector = createMentionClassifier({ artifacts })
  const quiet = classifyMention(sampleMention({ text: 'the lift on platform 3 is making a strange noise', lang: undefined }), withDetector)
  expect(quiet.flags.safety).toBe(true)
  expect(quiet.urgency.level).toBe('critical')
  const legal = classifyMention(sampleMention({ text: 'my lawyer will be in touch about this', lang: undefined }), withDetector)
  expect(legal.flags.legalThreat).toBe(true)
  expect(legal.urgency.level).toBe('critical')
})

test('the trained detector\'s security output makes a message critical that no rule names', () => {
  const artifacts = blankArtifacts()
  const flagModel = createLinearModel('multilabel', ['safety', 'legalThreat', 'security'], { ...defaultFeatureConfig, bits: 8 })
  flagModel.bias[0] = -5
  flagModel.bias[1] = -5
  flagModel.bias[2] = 5
  artifacts.flagModel = flagModel
  artifacts.manifest.flags = { file: 'f', thresholds: { safety: 0.5, legalThreat: 0.5, security: 0.5 } }
  const result = classifyMention(sampleMention({ text: 'my profile shows a stranger\'s photo now', lang: undefined }), createMentionClassifier({ artifacts }))
  expect(result.urgency.level).toBe('critical')
  expect(result.urgency.reasons).toContain('security:detected')
  expect(classify('my profile shows a stranger\'s photo now').urgency.level).not.toBe('critical')
})

test('the trained detector\'s negative output makes a neutrally worded post from press or a high-reach author critical, and only from them', () => {
  const withNegative = (bias: number): ReturnType<typeof createMentionClassifier> => {
    const artifacts = blankArtifacts()
    const flagModel = createLinearModel('multilabel', ['safety', 'legalThreat', 'security', 'negative'], { ...defaultFeatureConfig, bits: 8 })
    flagModel.bias.set([-5, -5, -5, bias])
    artifacts.flagModel = flagModel
    artifacts.manifest.flags = { file: 'f', thresholds: { safety: 0.5, legalThreat: 0.5, security: 0.5, negative: 0.5 } }
    // Untrained text models read every text as negative (ties) and half a complaint: make them say neutral, no complaint.
    artifacts.complaintModel.bias[0] = -5
    artifacts.sentimentModels[0]?.bias.set([0, 5, 0])
    return createMentionClassifier({ artifacts })
  }
  const headline = 'Acme to close 40 stores from next month'
  const press = { author: { id: '7', handle: 'CityNewsDesk', followers: 40_000, verified: true } }
  const result = classifyMention(sampleMention({ text: headline, lang: undefined, ...press }), withNegative(5))
  expect([result.urgency.level, result.flags.prRisk]).toEqual(['critical', true])
  expect(result.urgency.reasons).toEqual(expect.arrayContaining(['reach:press_negative', 'sentiment:leans_negative']))
  // The same words from an ordinary author, or read as not negative, stay below critical.
  expect(classifyMention(sampleMention({ text: headline, lang: undefined }), withNegative(5)).urgency.level).not.toBe('critical')
  expect(classifyMention(sampleMention({ text: headline, lang: undefined, ...press }), withNegative(-5)).urgency.level).not.toBe('critical')
})

test('a complaint, outage or churn threat is negative and praise alone is positive, whatever the text model said', () => {
  const neutral = { label: 'neutral' as const, score: 0.6 }
  expect(sentimentGivenIntents(neutral, [{ label: 'complaint', confidence: 0.7 }, { label: 'question', confidence: 0.9 }])).toEqual({ label: 'negative', score: 0.7 })
  expect(sentimentGivenIntents({ label: 'positive', score: 0.8 }, [{ label: 'churn_threat', confidence: 0.55 }])).toEqual({ label: 'negative', score: 0.55 })
  expect(sentimentGivenIntents(neutral, [{ label: 'praise', confidence: 0.8 }])).toEqual({ label: 'positive', score: 0.8 })
  expect(sentimentGivenIntents({ label: 'negative', score: 0.9 }, [{ label: 'praise', confidence: 0.8 }])).toEqual({ label: 'negative', score: 0.9 })
  expect(sentimentGivenIntents(neutral, [{ label: 'question', confidence: 0.9 }])).toBe(neutral)
  // Through the classifier: the untrained text model says neutral, the outage keyword makes it negative.
  expect(classify('is the app down for everyone?').sentiment.label).toBe('negative')
})

test('account takeovers, other people\'s data, gas leaks and named regulators are critical in several languages', () => {
  const cases: Array<[string, string]> = [
    ['someone logged into my account and changed the bank details for my payout', 'security:account_compromise'],
    ["I didn't set up a new payee and the money is gone", 'security:account_compromise'],
    ['alguien ha entrado en mi banca online y ha hecho tres transferencias', 'security:account_compromise'],
    ["quelqu'un s'est connecté à mon compte depuis l'étranger", 'security:account_compromise'],
    ['invadiram minha conta pelo app', 'security:account_compromise'],
    ["your letter has someone else's mortgage statement in it", 'security:data_exposure'],
    ['you emailed my renewal to 40 other customers in CC', 'security:data_exposure'],
    ["je vois les relevés d'une autre personne dans mon espace", 'security:data_exposure'],
    ['strong smell of gas in the hallway since this morning', 'flag:safety'],
    ['tenemos olor a gas en el portal', 'flag:safety'],
    ['Beschwerde bei der BaFin ist raus', 'flag:legalThreat'],
    ['he presentado reclamación ante el Banco de España', 'flag:legalThreat'],
  ]
  expectCritical(cases, ["I didn't send it yet, will do tomorrow", 'diabetic friendly options on the menu please', "I didn't add the voucher code, can I still use it?"])
})

test('ported numbers, charges with the card in hand, other customers\' documents and non-English illness, fire and near accidents are critical', () => {
  const cases: Array<[string, string]> = [
    ['someone ported my number to another network overnight', 'security:account_compromise'],
    ["two charges from a shop I've never heard of, and my card is still in my wallet", 'security:account_compromise'],
    ['jemand hat das Passwort von meinem Konto geändert', 'security:account_compromise'],
    ['alguém invadiu a minha conta e mudou o e-mail', 'security:account_compromise'],
    ["the hotel emailed me another guest's invoice with their card number on it", 'security:data_exposure'],
    ["the app gave me someone else's boarding pass", 'security:data_exposure'],
    ["got a booking confirmation that isn't mine, with a stranger's home address", 'security:data_exposure'],
    ['el microondas empezó a echar chispas y huele a quemado', 'flag:safety'],
    ['un camion de livraison a failli renverser mon fils devant chez nous', 'flag:safety'],
    ['seit dem Essen bei euch habe ich Fieber und Durchfall', 'flag:safety'],
    ['o carregador pegou fogo na tomada do quarto', 'flag:safety'],
    ['there are exposed wires hanging by the lift door on level 2', 'flag:safety'],
    ['a passenger had a seizure and nobody from the crew came', 'flag:safety'],
  ]
  expectCritical(cases, ['ported my photos to the new phone, love the app', 'the new fever tree tonic is lovely', "another customer's order was ready before mine, fair enough", 'the blue scarf at the desk is not mine, the name tag says Anna'])
})
