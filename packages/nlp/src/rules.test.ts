import { join } from 'node:path'
import { readLabelledMentions } from './labelled-mentions.js'
import { createPrng } from './prng.js'
import { factorAlternatives, foldText, ruleHits, ruleNames, rulePatterns } from './rules.js'

// The same alternatives with Unicode-mode word boundaries: what the ASCII patterns must agree with.
const reference = ruleNames.map((name) => new RegExp(
  rulePatterns[name].source.replace(/^\(\?:\^\|\[\^a-z0-9\u00aa\]\)/, '(?<![\\p{L}\\p{N}])').replace(/\(\?!\[a-z0-9\u00aa\]\)$/, '(?![\\p{L}\\p{N}])'), 'u'))

function referenceHits (text: string): Record<string, boolean> {
  const folded = foldText(text)
  return Object.fromEntries(ruleNames.map((name, i) => [name, (reference[i] as RegExp).test(folded)]))
}

test('factoring shared leading letters keeps exactly the words the plain alternation matches', () => {
  const alternatives = ['refund', 'refunds', 'rude', 'r?ude', 'ru(?:de|n)', '(?:is|are) down', 'a|b', "won'?t load", 'wo', '\\.net', '\\d+ days', 'a{2}h', 'x*y']
  const factored = factorAlternatives(alternatives)
  expect(factored).toContain('r(?:')
  const plain = new RegExp(`^(?:${alternatives.join('|')})$`)
  const tree = new RegExp(`^(?:${factored})$`)
  const words = ['refund', 'refunds', 'refun', 'rude', 'ude', 'run', 'is down', 'are down', 'a', 'b', 'ab', 'wont load', "won't load", 'wo', 'won', '.net', 'xnet', '12 days', 'aah', 'ah', 'y', 'xxy', '']
  for (const word of words) expect({ word, matches: tree.test(word) }).toEqual({ word, matches: plain.test(word) })
})

test('a rule fires on its words in any of its languages', () => {
  expect(ruleHits(foldText('I will SUE you')).legal).toBe(true)
  expect(ruleHits(foldText('Voy a llamar a mi abogado')).legal).toBe(true)
  expect(ruleHits(foldText('the app is down again')).outage).toBe(true)
  expect(ruleHits(foldText('Die App ist ausgefallen')).outage).toBe(true)
})

test('safety names a child located by a stranger, medicine gone missing, someone trapped or left alone in the dark', () => {
  for (const text of [
    'a man in chat told my 9 year old he knows where he lives',
    'the courier left my mum\'s insulin on the step and it was stolen',
    'el repartidor perdió las pastillas de mi madre, no le quedan',
    'die Tür ging zu und mein Arm war eingeklemmt',
    'they left me alone on the platform, it is dark and freezing',
    'the room smelled of gas all night',
  ]) expect({ text, safety: ruleHits(foldText(text)).safety }).toEqual({ text, safety: true })
  for (const text of ['I\'m afraid the refund is still missing', 'this burger is fire', 'my pills arrived on time, thanks']) {
    expect({ text, safety: ruleHits(foldText(text)).safety }).toEqual({ text, safety: false })
  }
})

test('safety, compromise and data exposure read self-harm, powered medical equipment, harassment, unauthorised charges and other customers\' papers in five languages', () => {
  const cases: Array<[string, 'safety' | 'compromise' | 'dataExposure']> = [
    ['ich möchte morgens am liebsten nicht mehr aufwachen', 'safety'],
    ['franchement ils seraient mieux sans moi', 'safety'],
    ['mi madre usa un concentrador de oxígeno y nos habéis cortado la luz', 'safety'],
    ['Papa hat einen Hausnotruf und seit der Umstellung geht der nicht mehr', 'safety'],
    ['um cliente está assediando minha filha no chat do jogo', 'safety'],
    ['der Typ meinte, er weiß wo ich wohne', 'safety'],
    ['encontré un trozo de vidrio en la ensalada', 'safety'],
    ['ma mère a glissé sur le carrelage mouillé du magasin', 'safety'],
    ['the child seat in the hire car had a broken clasp and no straps', 'safety'],
    ['trois paiements que je n\'ai jamais autorisés hier soir', 'compromise'],
    ['200 € sind an ein unbekanntes Konto gegangen', 'compromise'],
    ['dos compras en una tienda online y yo no he sido', 'compromise'],
    ['uma transferência que eu não fiz saiu da minha conta', 'compromise'],
    ['there are two devices I don\'t recognise signed in and my password no longer works', 'compromise'],
    ['on m\'a envoyé la facture d\'un autre client avec son adresse', 'dataExposure'],
    ['ich habe den Kontoauszug einer fremden Person in der App', 'dataExposure'],
    ['recibí la factura de otra clienta con su DNI', 'dataExposure'],
    ['the newsletter went out with the whole mailing list in CC', 'dataExposure'],
  ]
  for (const [text, rule] of cases) expect({ text, [rule]: ruleHits(foldText(text))[rule] }).toEqual({ text, [rule]: true })
  // Near misses: the same words where nobody is at risk, nothing was taken and nothing was shown.
  for (const text of ['I would die for these fries', 'la glace est glissée dans le sac', 'I slipped the voucher into my wallet']) {
    expect({ text, safety: ruleHits(foldText(text)).safety }).toEqual({ text, safety: false })
  }
  for (const text of ['c\'est moi qui ai commandé, merci', 'I blocked the ads, now the app works', 'hice yo la compra, gracias']) {
    expect({ text, compromise: ruleHits(foldText(text)).compromise }).toEqual({ text, compromise: false })
  }
  for (const text of ['I sent my own invoice to the wrong address', 'la facture est arrivée, merci']) {
    expect({ text, dataExposure: ruleHits(foldText(text)).dataExposure }).toEqual({ text, dataExposure: false })
  }
})

test('despair, children left alone, failing brakes, SIM clones and dispute bodies are read in their own languages', () => {
  const cases: Array<[string, 'safety' | 'compromise' | 'dataExposure' | 'legal']> = [
    ['depuis la coupure j\'ai des idées noires tous les soirs', 'safety'],
    ['às vezes penso em acabar com tudo, de verdade', 'safety'],
    ['die Bremsen haben auf der Passstraße komplett versagt', 'safety'],
    ['mi hijo de 8 años quedó solo en el andén de Atocha', 'safety'],
    ['el recepcionista entró de madrugada a mi habitación sin llamar', 'safety'],
    ['le poteau est tombé sur le trottoir, câbles par terre devant l\'école', 'safety'],
    ['clonaram o meu chip ontem e agora pedem dinheiro aos meus contactos', 'compromise'],
    ['me han vaciado la cuenta con dos transferencias', 'compromise'],
    ['the front desk gave me another guest\'s passport copy with my key', 'dataExposure'],
    ['ich habe einen Antrag bei der Schlichtungsstelle gestellt und gehe zum Konsumentenschutz', 'legal'],
    ['ya puse la queja en Profeco', 'legal'],
  ]
  for (const [text, rule] of cases) expect({ text, [rule]: ruleHits(foldText(text))[rule] }).toEqual({ text, [rule]: true })
  for (const text of ['mon fils a réservé seul sur l\'appli, trop fort', 'j\'ai lâché l\'affaire, les freins du vélo sont neufs', 'my son was alone at home playing your game all day, loves it']) {
    expect({ text, safety: ruleHits(foldText(text)).safety }).toEqual({ text, safety: false })
  }
})

test('rules whose words start at the same place all fire', () => {
  const hits = ruleHits(foldText('they cancelled my account'))
  expect(hits.churn).toBe(true)
  expect(hits.complaint).toBe(true)
  const safetyAndLegal = ruleHits(foldText('blood everywhere, hospital, my solicitor will hear of this'))
  expect([safetyAndLegal.safety, safetyAndLegal.legal, safetyAndLegal.praise]).toEqual([true, true, false])
})

test('a leading group is distributed over what follows it, with the same matches', () => {
  const alternatives = ['(?:my|mum\'s|his) (?:son|daughter)', '(?:a|b)?c', '(?:x|y(?:z|w))+q', '(?:is|are) down|up']
  const factored = factorAlternatives(alternatives)
  expect(factored).toContain('m(?:')
  const plain = new RegExp(`^(?:${alternatives.join('|')})$`)
  const tree = new RegExp(`^(?:${factored})$`)
  const words = ['my son', "mum's son", 'his daughter', 'her son', 'mum son', 'c', 'ac', 'bc', 'abc', 'xq', 'yzq', 'ywxq', 'q', 'is down', 'are down', 'up', 'is up', '']
  for (const word of words) expect({ word, matches: tree.test(word) }).toEqual({ word, matches: plain.test(word) })
})

test('letters outside ASCII are letters to the word boundaries', () => {
  expect(ruleHits(foldText('pursue')).legal).toBe(false)
  expect(ruleHits(foldText('łsue')).legal).toBe(false)
  expect(ruleHits(foldText('Жsue')).legal).toBe(false)
  expect(ruleHits(foldText('sue²')).legal).toBe(false)
  expect(ruleHits(foldText('Ж sue')).legal).toBe(true)
  expect(ruleHits(foldText('😡sue')).legal).toBe(true)
})

test('the ASCII patterns agree with Unicode word boundaries on mentions and random fragments', () => {
  expect(reference.every((pattern, i) => pattern.source !== rulePatterns[ruleNames[i] as keyof typeof rulePatterns].source)).toBe(true)
  const texts = readLabelledMentions(join(__dirname, '..', 'data', 'brand-mentions.jsonl')).map((row) => row.text)
  const pieces = ['sue', 'down', 'is', 'app', 'hacked', 'cancel my account', 'switching to', 'cant log in', 'no funciona', 'outage', 'fire',
    'anyone else having', 'thanks', 'how do', 'crypto', 'didnt send £5', 'cancelled', 'my son', 'blood', 'lawyer', 'refund', 'ł', 'ñ', 'ø', '漢', 'Ж', '²', 'ª', '😂', ' ', '\n', '.', "'", 'x', '2', '?']
  const random = createPrng(3)
  for (let i = 0; i < 5_000; i++) {
    let text = ''
    const length = 1 + Math.floor(random() * 12)
    for (let j = 0; j < length; j++) text += (pieces[Math.floor(random() * pieces.length)] as string) + (random() < 0.5 ? ' ' : '')
    texts.push(text)
  }
  for (const text of texts) expect([text, ruleHits(foldText(text))]).toEqual([text, referenceHits(text)])
})

test('folding takes its Latin shortcut without changing a single result', () => {
  const reference = (text: string): string => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').replace(/[’‘`]/g, "'")
  // Latin letters with and without accents, ß and ẞ, apostrophes, loose combining marks, ligatures, Greek, Cyrillic, emoji.
  const pool = [...'aAzZ09 .,!?`\'’‘éÉèçÇñÑãõüÜöÖäÄßẞøØåÅœŒæÆłŁıİǅǄǈǲȘșțŢđĐħƒǿȺȻ', '\u0301', '\u0308', '\u0327', 'ﬁ', 'Σ', 'ς', 'я', 'Ω', '🚆', 'ǖ', 'Ḁ', 'ṩ', 'ǰ', 'ŉ']
  let seed = 7
  const next = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n }
  for (let i = 0; i < 20_000; i++) {
    const text = Array.from({ length: 1 + next(30) }, () => pool[next(pool.length)]).join('')
    expect(foldText(text)).toBe(reference(text))
  }
  expect(foldText('Ça coûte 15 € à São Paulo, Straße’s')).toBe("ca coute 15 € a sao paulo, strasse's")
})
