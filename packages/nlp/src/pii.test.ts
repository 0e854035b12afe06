import { detectPii, luhnValid } from './pii.js'
import { hasProfanity } from './profanity.js'
import { tokenise } from './tokenise.js'

test('Luhn accepts valid card numbers and rejects one-digit typos', () => {
  expect(luhnValid('4111111111111111')).toBe(true)
  expect(luhnValid('5500005555555559')).toBe(true)
  expect(luhnValid('4111111111111112')).toBe(false)
})

test('an email after a handle is found; a handle alone is no email', () => {
  expect(detectPii('@ParcelPalUK write to sam.okafor@example.com please')).toEqual(['email'])
  expect(detectPii('@a@b.co')).toEqual(['email'])
  expect(detectPii('@ParcelPalUK and @GreenBasket.co are both useless')).toEqual([])
})

test('finds emails, phones, Luhn-valid cards, IBANs, account numbers and street addresses', () => {
  expect(detectPii('email me at jo.bloggs@example.co.uk')).toEqual(['email'])
  expect(detectPii('ring me on 07700 900123 please')).toEqual(['phone'])
  expect(detectPii('my number is +34 612 345 678')).toEqual(['phone'])
  expect(detectPii('charged on card 4111 1111 1111 1111 twice')).toContain('card')
  expect(detectPii('IBAN DE89 3704 0044 0532 0130 00 please refund')).toContain('iban')
  expect(detectPii('account number 84930211, sort code 20-00-00')).toContain('account')
  expect(detectPii('deliver to 14 Hawthorn Road, Leeds LS6 2AB')).toContain('address')
  expect(detectPii('wohne in der Lindenstraße 12, bitte liefern')).toContain('address')
  expect(detectPii('envíenlo a la calle Mayor 23, Madrid')).toContain('address')
})

test('does not flag times, prices, order numbers or card-like numbers failing Luhn', () => {
  expect(detectPii('the 8:15 from platform 4 was 20 minutes late, paid £45.50')).toEqual([])
  expect(detectPii('order 1234 5678 9012 3456 still not here')).toEqual([])
  expect(detectPii('order #A-99231 arrived broken')).toEqual([])
  expect(detectPii('flight BA2490 on 12/03/2026')).toEqual([])
})

test('profanity matches whole words in several languages, not substrings (Scunthorpe, assessment, Spanish "con")', () => {
  const profane = (text: string): boolean => hasProfanity(text, tokenise(text))
  expect(profane('this is fucking ridiculous')).toBe(true)
  expect(profane('quelle merde ce service')).toBe(true)
  expect(profane('so eine Scheiße, schon wieder')).toBe(true)
  expect(profane('que porra é essa')).toBe(true)
  expect(profane('what the f*ck is this')).toBe(true)
  expect(profane('delayed at Scunthorpe again, assessment of the class cocktail by Dickens')).toBe(false)
  expect(profane('café con leche y pastel, gracias')).toBe(false)
})
