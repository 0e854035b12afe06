// `npm start`: the all-in-one embedded mode arrives with its issue; until then, say what exists.
process.stdout.write(`Earshot — foundation in place; the services are arriving issue by issue.

What you can run today:
  npm test                 unit + integration tests against real Kafka, PostgreSQL and Redis
  npm run bench -- bus     Kafka adapter throughput beside raw kafkajs
  npm run infra:start      a local Kafka broker (KRaft) on 127.0.0.1:39092
  DATABASE_URL=… npm run migrate

See README.md for the layout and how to point at your own infrastructure.
`)
