/** Kinds of personal data a message can expose. */
export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'account' | 'address'

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid (digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return false
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    double = !double
  }
  return digits.length > 0 && sum % 10 === 0
}

const emailPattern = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/i
// Digit runs of 12–19 digits with optional single spaces or dashes between groups.
const cardCandidates = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g
const phoneCandidates = /(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{7,18}\d(?![\d])/g
const phoneContext = /(?:call|phone|number|tel|mobile|cell|whatsapp|text me|ring|reach me|contact me|llamar|telefono|movil|numero|appelez|portable|telephone|numero|anrufen|handy|telefon|nummer|ligar|celular|telemovel)\W*(?:\w+\W+){0,3}$/i
const ibanPattern = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/
const accountPattern = /(?:account|acct|acc|a\/c|member(?:ship)?|customer|policy|sort code|routing|cuenta|socio|compte|client|konto|kunden|kundennummer|conta|cliente)\s*(?:no\.?|number|num|#|nr\.?|numero|nummer|id)?\s*(?:is|es|est|ist|e)?\s*:?\s*#?([A-Z]{0,3}[\d][\d -]{4,20}\d)/i
const streetPattern = /\b\d{1,5}[a-z]?,? (?:[A-Z][\w'-]+ ){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|boulevard|blvd|crescent|court|ct|place|pl|terrace|gardens)\b\.?/i
const foreignStreetPattern = /\b(?:(?:calle|c\/|avenida|avda\.?|rua|avenida|travessa|rue|avenue|boulevard|chemin|allee)\s+[\p{L}' -]{2,40}?,?\s*(?:n[ºo°.]?\s*)?\d{1,5}|\d{1,5},?\s+(?:rue|avenue|boulevard|chemin|allee)\s+[\p{L}' -]{2,40}|[\p{L}-]{3,40}(?:strasse|straße|str\.|weg|platz|allee|gasse)\s+\d{1,4}[a-z]?)/iu
// Every foreign street address holds one of these words; checking for them first skips the costly pattern on most texts.
const foreignStreetWords = /calle|c\/|avenida|avda|rua|travessa|rue|avenue|boulevard|chemin|allee|strasse|straße|str\.|weg|platz|gasse/iu
const postcodePattern = /\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b\d{5}(?:-\d{4})? [A-Z][a-z]+/

/** An email needs a local-part character right before an `@`; a handle (`@brand`) has none, so most mentions skip the pattern. */
function mayHoldEmail (text: string): boolean {
  for (let at = text.indexOf('@', 1); at > 0; at = text.indexOf('@', at + 1)) {
    const code = text.charCodeAt(at - 1)
    if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 43 || code === 45) return true
  }
  return false
}

function digitsOf (text: string): string {
  return text.replace(/\D/g, '')
}

/** The kinds of personal data found in `text` (raw, not folded: case matters for postcodes and IBANs). */
export function detectPii (text: string): PiiKind[] {
  const found: PiiKind[] = []
  if (mayHoldEmail(text) && emailPattern.test(text)) found.push('email')
  let hasCard = false
  if (/\d{4}/.test(text)) {
    for (const match of text.matchAll(cardCandidates)) {
      const digits = digitsOf(match[0])
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) hasCard = true
    }
    if (hasCard) found.push('card')
    if (ibanPattern.test(text)) found.push('iban')
    if (accountPattern.test(text)) found.push('account')
  }
  if (/\d[\d ().-]{7,}\d/.test(text)) {
    for (const match of text.matchAll(phoneCandidates)) {
      const candidate = match[0]
      const digits = digitsOf(candidate)
      if (digits.length < 9 || digits.length > 15) continue
      if (hasCard && luhnValid(digits) && digits.length >= 13) continue
      const international = candidate.startsWith('+') || candidate.startsWith('00')
      const trunk = candidate.startsWith('0') || candidate.startsWith('(')
      const before = text.slice(Math.max(0, (match.index ?? 0) - 40), match.index)
      if (international || (trunk && /[ .-]/.test(candidate)) || phoneContext.test(before)) {
        found.push('phone')
        break
      }
    }
  }
  if (/\d/.test(text) && (streetPattern.test(text) || (foreignStreetWords.test(text) && foreignStreetPattern.test(text)) || postcodePattern.test(text))) found.push('address')
  return found
}
