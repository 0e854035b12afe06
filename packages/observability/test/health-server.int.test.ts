import { createHealthServer, createLogger, createMetrics, type HealthServer } from '@earshot/observability'

function setup (checks: Record<string, () => Promise<void>>, { checkTimeoutMs, port = 0 }: { checkTimeoutMs?: number, port?: number } = {}) {
  const lines: Array<Record<string, unknown>> = []
  const logger = createLogger({ level: 'info', name: 'test', destination: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } } })
  const metrics = createMetrics({ service: 'health-test' })
  const server = createHealthServer({ port, host: '127.0.0.1', registry: metrics.registry, checks, logger, checkTimeoutMs })
  servers.push(server)
  return { server, metrics, lines }
}

const servers: HealthServer[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function get (port: number, path: string, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method })
  const text = await res.text()
  return { status: res.status, contentType: res.headers.get('content-type'), text, body: text.startsWith('{') ? JSON.parse(text) as unknown : undefined }
}

test('listen resolves with the bound port when asked for port 0', async () => {
  const { server } = setup({})
  const port = await server.listen()
  expect(port).toBeGreaterThan(0)
})

test('/healthz answers 200 ok while the process runs', async () => {
  const { server } = setup({})
  const port = await server.listen()
  await expect(get(port, '/healthz')).resolves.toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8', body: { status: 'ok' } })
})

test('/readyz answers 200 with every check ok', async () => {
  const { server } = setup({ postgres: async () => {}, kafka: async () => {} })
  const port = await server.listen()
  await expect(get(port, '/readyz')).resolves.toMatchObject({
    status: 200,
    body: { status: 'ready', checks: { postgres: { status: 'ok' }, kafka: { status: 'ok' } } },
  })
})

test('/readyz answers 503 naming failing and timed-out checks with their errors, and logs the change once', async () => {
  const { server, lines } = setup({
    postgres: async () => {},
    kafka: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:9092') },
    redis: () => new Promise<void>(() => {}),
  }, { checkTimeoutMs: 50 })
  const port = await server.listen()
  const first = await get(port, '/readyz')
  expect(first).toMatchObject({
    status: 503,
    body: {
      status: 'not_ready',
      failing: ['kafka', 'redis'],
      checks: {
        postgres: { status: 'ok' },
        kafka: { status: 'failing', error: 'connect ECONNREFUSED 127.0.0.1:9092' },
        redis: { status: 'failing', error: 'readiness check redis did not finish within 50ms' },
      },
    },
  })
  await get(port, '/readyz')
  expect(lines.filter((line) => line.msg === 'readiness check failing').map((line) => line.check)).toEqual(['kafka', 'redis'])
})

test('/readyz recovers when a failing check starts passing', async () => {
  let reachable = false
  const { server, lines } = setup({ postgres: async () => { if (!reachable) throw new Error('the database system is starting up') } })
  const port = await server.listen()
  expect((await get(port, '/readyz')).status).toBe(503)
  reachable = true
  expect((await get(port, '/readyz')).status).toBe(200)
  expect(lines).toContainEqual(expect.objectContaining({ check: 'postgres', msg: 'readiness check recovered' }))
})

test('setNotReady turns /readyz and /healthz to 503 without running checks', async () => {
  let checked = 0
  const { server } = setup({ postgres: async () => { checked++ } })
  const port = await server.listen()
  server.setNotReady()
  await expect(get(port, '/readyz')).resolves.toMatchObject({ status: 503, body: { status: 'shutting_down' } })
  await expect(get(port, '/healthz')).resolves.toMatchObject({ status: 503, body: { status: 'shutting_down' } })
  expect(checked).toBe(0)
})

test('/metrics serves Prometheus text with its content type, including the service label', async () => {
  const { server, metrics } = setup({})
  metrics.counter('mentions_total', 'Mentions received', ['platform']).inc({ platform: 'x' }, 3)
  const port = await server.listen()
  const res = await get(port, '/metrics')
  expect(res.status).toBe(200)
  expect(res.contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
  expect(res.text).toContain('# TYPE earshot_mentions_total counter')
  expect(res.text).toContain('earshot_mentions_total{platform="x",service="health-test"} 3')
  expect(res.text).toMatch(/^process_cpu_user_seconds_total\{service="health-test"\} /m)
})

test('unknown paths get a JSON 404 and other methods a 405', async () => {
  const { server } = setup({})
  const port = await server.listen()
  await expect(get(port, '/nope')).resolves.toMatchObject({ status: 404, body: { error: 'not_found', message: 'GET /nope: try /healthz, /readyz or /metrics' } })
  await expect(get(port, '/healthz', 'POST')).resolves.toMatchObject({ status: 405, body: { error: 'method_not_allowed' } })
})

test('HEAD answers with headers only', async () => {
  const { server } = setup({})
  const port = await server.listen()
  await expect(get(port, '/healthz', 'HEAD')).resolves.toMatchObject({ status: 200, text: '' })
})

test('listen rejects with OBS_ERR_LISTEN when the port is taken', async () => {
  const { server: first } = setup({})
  const port = await first.listen()
  const { server: second } = setup({}, { port })
  const failure = second.listen()
  await expect(failure).rejects.toMatchObject({ code: 'OBS_ERR_LISTEN' })
  await expect(failure).rejects.toThrow(`health server could not listen on 127.0.0.1:${port}: listen EADDRINUSE`)
})

test('close stops accepting connections even after keep-alive requests', async () => {
  const { server } = setup({})
  const port = await server.listen()
  await get(port, '/healthz')
  await server.close()
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
})
