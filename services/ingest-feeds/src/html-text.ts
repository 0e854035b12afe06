/** Entities common in feed HTML; numeric references cover the rest. */
const namedEntities: ReadonlyMap<string, string> = new Map([
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"], ['nbsp', ' '], ['ndash', '–'], ['mdash', '—'],
  ['hellip', '…'], ['lsquo', '‘'], ['rsquo', '’'], ['ldquo', '“'], ['rdquo', '”'], ['laquo', '«'], ['raquo', '»'],
  ['bull', '•'], ['middot', '·'], ['copy', '©'], ['reg', '®'], ['trade', '™'], ['deg', '°'], ['euro', '€'],
  ['pound', '£'], ['yen', '¥'], ['cent', '¢'], ['sect', '§'], ['para', '¶'], ['times', '×'], ['divide', '÷'],
  ['eacute', 'é'], ['egrave', 'è'], ['ecirc', 'ê'], ['euml', 'ë'], ['aacute', 'á'], ['agrave', 'à'], ['acirc', 'â'],
  ['auml', 'ä'], ['aring', 'å'], ['atilde', 'ã'], ['iacute', 'í'], ['igrave', 'ì'], ['icirc', 'î'], ['iuml', 'ï'],
  ['oacute', 'ó'], ['ograve', 'ò'], ['ocirc', 'ô'], ['ouml', 'ö'], ['otilde', 'õ'], ['oslash', 'ø'], ['uacute', 'ú'],
  ['ugrave', 'ù'], ['ucirc', 'û'], ['uuml', 'ü'], ['ccedil', 'ç'], ['ntilde', 'ñ'], ['szlig', 'ß'], ['Eacute', 'É'],
  ['Aacute', 'Á'], ['Ouml', 'Ö'], ['Uuml', 'Ü'], ['Auml', 'Ä'], ['Ccedil', 'Ç'], ['Ntilde', 'Ñ'], ['iexcl', '¡'],
  ['iquest', '¿'], ['shy', ''], ['zwj', ''], ['zwnj', ''], ['thinsp', ' '], ['ensp', ' '], ['emsp', ' '],
])

function codePoint (value: number): string {
  if (!Number.isInteger(value) || value <= 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '\uFFFD'
  return String.fromCodePoint(value)
}

/** Decodes character references once (so "&amp;lt;" becomes the text "&lt;"); unknown names stay as written. */
export function decodeEntities (text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return codePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return codePoint(Number(ref.slice(1)))
    return namedEntities.get(ref) ?? whole
  })
}

/** Elements whose content is never text a person wrote. */
const dropContent = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'math', 'head', 'title'])
/** Paragraph-like elements are set apart by a blank line; line-like ones start a new line. */
const paragraphs = new Set(['p', 'ul', 'ol', 'table', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'section', 'article', 'header', 'footer', 'figure'])
const lines = new Set(['br', 'div', 'li', 'tr', 'dd', 'dt', 'figcaption'])

/**
 * HTML (as feeds carry it in description, content:encoded and Atom html/xhtml content) to plain
 * text: tags removed, script/style and the like dropped with their content, comments and CDATA
 * markers removed, block elements become line breaks, character references decoded once. A single
 * left-to-right scan (no backtracking regular expressions over the input), so hostile markup costs
 * linear time. The output is text for classification and moderators, never HTML to render.
 */
export function htmlToText (html: string): string {
  let out = ''
  let i = 0
  let skipUntil: string | undefined
  const n = html.length
  while (i < n) {
    const lt = html.indexOf('<', i)
    const textEnd = lt === -1 ? n : lt
    if (skipUntil === undefined && textEnd > i) out += decodeEntities(html.slice(i, textEnd))
    if (lt === -1) break
    i = lt
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4)
      i = end === -1 ? n : end + 3
      continue
    }
    if (html.startsWith('<![CDATA[', i)) {
      const end = html.indexOf(']]>', i + 9)
      const inner = html.slice(i + 9, end === -1 ? n : end)
      if (skipUntil === undefined) out += inner
      i = end === -1 ? n : end + 3
      continue
    }
    const tag = /^<(\/?)([A-Za-z][A-Za-z0-9:-]{0,31})/.exec(html.slice(i, i + 40))
    if (tag === null) {
      if (html.startsWith('<!', i) || html.startsWith('<?', i)) {
        const end = html.indexOf('>', i)
        i = end === -1 ? n : end + 1
        continue
      }
      // A lone "<" (as in "a < b") is text.
      if (skipUntil === undefined) out += '<'
      i++
      continue
    }
    const end = tagEnd(html, i + tag[0].length)
    const name = (tag[2] ?? '').toLowerCase()
    const closing = tag[1] === '/'
    i = end
    if (skipUntil !== undefined) {
      if (closing && name === skipUntil) skipUntil = undefined
      continue
    }
    if (!closing && dropContent.has(name) && html[end - 2] !== '/') {
      skipUntil = name
      continue
    }
    if (paragraphs.has(name)) out += '\n\n'
    else if (lines.has(name)) out += closing ? '' : '\n'
    else if (name === 'td' || name === 'th') out += ' '
  }
  return tidy(out)
}

/** Index just past the ">" that ends a tag, skipping quoted attribute values. */
function tagEnd (html: string, from: number): number {
  let quote: string | undefined
  for (let j = from; j < html.length; j++) {
    const c = html[j]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === '>') {
      return j + 1
    }
  }
  return html.length
}

/** Collapses runs of spaces, trims lines and keeps at most one blank line between paragraphs. */
export function tidy (text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
