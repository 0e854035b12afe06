// Element building for the console. Untrusted text (mention text, author names, templates) only
// ever reaches the page as text nodes: there is no innerHTML anywhere in the console, and `h`
// refuses inline handlers and style attributes (the CSP forbids them anyway).

const SVG_NS = 'http://www.w3.org/2000/svg'

function append (parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)))
    else parent.appendChild(child)
  }
}

function setAttributes (el, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') || name === 'style' || name === 'innerHTML') throw new Error(`h: refusing attribute ${name}`)
    if (name === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value))
    else if (name === 'dataset') Object.assign(el.dataset, value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
}

/** `h('button', { class: 'primary', type: 'button' }, 'Resolve')` — strings become text nodes. */
export function h (tag, attrs, ...children) {
  const el = document.createElement(tag)
  setAttributes(el, attrs)
  append(el, children)
  return el
}

/** The same for SVG elements (charts). */
export function s (tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null) continue
    if (name.startsWith('on') || name === 'style') throw new Error(`s: refusing attribute ${name}`)
    el.setAttribute(name, String(value))
  }
  append(el, children)
  return el
}

export function clear (el) {
  while (el.firstChild) el.removeChild(el.firstChild)
  return el
}

export function replaceChildren (el, ...children) {
  clear(el)
  append(el, children)
  return el
}

export function on (el, type, handler, options) {
  el.addEventListener(type, handler, options)
  return el
}
