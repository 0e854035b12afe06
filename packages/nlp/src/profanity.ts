/**
 * A small multilingual list matched against whole tokens (never substrings), so "Scunthorpe",
 * "assessment", "cocktail", "Dickens" or Spanish "con" do not match. Tokens come from `tokenise`
 * (lower case; a `NEG_` prefix is stripped before lookup).
 */
const profaneWords = new Set([
  // en
  'fuck', 'fucks', 'fucked', 'fucker', 'fuckers', 'fucking', 'fuckin', 'motherfucker', 'motherfucking', 'fck', 'fkn', 'fking', 'shit', 'shits', 'shite', 'shitty', 'bullshit', 'horseshit',
  'asshole', 'assholes', 'arsehole', 'arseholes', 'bastard', 'bastards', 'bitch', 'bitches', 'dickhead', 'dickheads', 'cunt', 'cunts', 'twat', 'twats', 'wanker', 'wankers', 'prick', 'pricks',
  'piss', 'pissed', 'bollocks', 'douchebag', 'jackass', 'goddamn', 'wtf', 'stfu', 'ffs', 'dumbass',
  // es
  'mierda', 'joder', 'jodido', 'jodidos', 'puta', 'putas', 'puto', 'putos', 'coño', 'gilipollas', 'cabrón', 'cabron', 'cabrones', 'hostia', 'hostias', 'pendejo', 'pendejos', 'chingada', 'carajo',
  // fr
  'merde', 'putain', 'connard', 'connards', 'connasse', 'bordel', 'salaud', 'salauds', 'enculé', 'encule', 'enculés', 'foutre', 'chiant', 'chiante',
  // de
  'scheiße', 'scheisse', 'scheiß', 'scheiss', 'arschloch', 'arschlöcher', 'verdammt', 'verdammte', 'fick', 'ficken', 'wichser', 'drecksladen', 'kacke',
  // pt
  'merda', 'porra', 'caralho', 'foda', 'fodase', 'foda-se', 'fdp', 'puta', 'bosta', 'cacete', 'desgraçado', 'desgracado',
])

// Masked spellings ("f*ck", "sh!t") split into several tokens, so they are matched on the raw text.
const maskedProfanity = /(?<![\p{L}])(?:f[*@#$%!]+c?k\w*|sh[*!1@]+t\w*|b[*!]+tch|a[*$]+hole|merd[*]e|sch[*]+e?i?sse)(?![\p{L}])/iu

const negationPrefix = 'NEG_'

export function hasProfanity (text: string, tokens: readonly string[]): boolean {
  for (const token of tokens) {
    const word = token.startsWith(negationPrefix) ? token.slice(negationPrefix.length) : token
    if (profaneWords.has(word)) return true
    if (word.startsWith('#') && profaneWords.has(word.slice(1))) return true
  }
  return (text.includes('*') || text.includes('!') || text.includes('$')) && maskedProfanity.test(text)
}
