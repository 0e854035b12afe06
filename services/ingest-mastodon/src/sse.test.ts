import { createSseParser } from './sse.js'

test('events dispatch on a blank line; heartbeats are comments; chunks may split anywhere', () => {
  const parser = createSseParser()
  const wire = ':)\nevent: notification\ndata: {"id":"1"}\n\n:thump\nevent: update\r\ndata: {"a":\r\ndata: 2}\r\n\r\n'
  const messages = [...wire].flatMap((char) => parser.push(char))
  expect(messages).toEqual([
    { type: 'comment', text: ')' },
    { type: 'event', event: 'notification', data: '{"id":"1"}' },
    { type: 'comment', text: 'thump' },
    { type: 'event', event: 'update', data: '{"a":\n2}' },
  ])
})

test('an event name without data dispatches nothing, and the name does not leak into the next event', () => {
  const parser = createSseParser()
  expect(parser.push('event: filters_changed\n\ndata: x\n\n')).toEqual([{ type: 'event', event: 'message', data: 'x' }])
})

test('an unfinished event waits for its blank line', () => {
  const parser = createSseParser()
  expect(parser.push('event: delete\ndata: 42\n')).toEqual([])
  expect(parser.push('\n')).toEqual([{ type: 'event', event: 'delete', data: '42' }])
})
