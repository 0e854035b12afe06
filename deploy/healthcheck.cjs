'use strict'
// Docker HEALTHCHECK and compose health checks: GET http://127.0.0.1:$HTTP_PORT<path> (default /healthz),
// exit 0 on a 2xx answer. The image has no curl or wget; Node's fetch does the job.
const path = process.argv[2] ?? '/healthz'
const port = process.env.HTTP_PORT ?? '9464'
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) })
  .then((res) => { process.exit(res.ok ? 0 : 1) })
  .catch((err) => {
    process.stderr.write(`health check ${path} on port ${port} failed: ${err.message}\n`)
    process.exit(1)
  })
