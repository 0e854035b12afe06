// `npm start`: the all-in-one embedded mode (one process, embedded adapters, sample traffic) arrives
// with its issue; until then this says what exists and how to try it.
process.stdout.write(`Earshot — the all-in-one \`npm start\` is not built yet. What runs today:

  npm test                          unit + integration tests against real Kafka, PostgreSQL and Redis
  npm run infra:start               a local Kafka broker (KRaft) on 127.0.0.1:39092
  DATABASE_URL=… npm run migrate    apply the SQL migrations
  npm run bench -- bus|router|ingest-x
  npm run train / npm run eval -- --data <path>

Services (each: node --conditions=earshot-source --import tsx services/<name>/src/main.ts, configured by environment):
  ingest-x     X mentions and search → mentions.v1            (see services/ingest-x/.env.example)
  classifier   mentions.v1 → mentions.classified.v1
  router       mentions.classified.v1 → tickets in PostgreSQL → tickets.v1

See README.md for the layout and how to point at your own infrastructure.
`)
