const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: ' ', '#39': '\'' }

function decodeEntities (text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return codePoint(Number.parseInt(name.slice(2), 16), entity)
    if (name.startsWith('#')) return codePoint(Number.parseInt(name.slice(1), 10), entity)
    return namedEntities[name.toLowerCase()] ?? entity
  })
}

function codePoint (value: number, fallback: string): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : fallback
}

/**
 * Mastodon's status `content` (sanitised HTML: <p>, <br>, <a>, <span>) as plain text: paragraphs
 * become blank lines, <br> a line break, mention and hashtag links their visible "@user"/"#tag",
 * and link spans Mastodon hides for display (`invisible`) are kept so URLs stay whole. Any other
 * tag is dropped; entities are decoded once, after the tags are gone, so "&lt;b&gt;" stays text.
 */
export function htmlToText (html: string): string {
  const text = html
    .replace(/\r\n?/g, '\n')
    .replace(/\n/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<\/?(p|div|blockquote|ul|ol|li|h[1-6]|pre)(\s[^>]*)?>/gi, (_tag, name: string) => ['li'].includes(name.toLowerCase()) ? '\n' : '\n\n')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
