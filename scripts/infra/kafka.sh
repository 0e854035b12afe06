#!/usr/bin/env bash
# Local Apache Kafka for tests and benchmarks: fetches the broker jars with Maven (pom.xml beside
# this script, cached under scripts/infra/.cache), formats fresh KRaft storage and starts one
# combined broker+controller on loopback. Used when no KAFKA_BROKERS is given and no Docker engine
# answers (DESIGN.md §6).
#
#   kafka.sh start     start (or reuse) the broker; prints KAFKA_BROKERS=… on the last line
#   kafka.sh stop      stop it and delete its data
#   kafka.sh status    exit 0 when running
#   kafka.sh fetch     only fetch the jars
#   kafka.sh perf ARGS run kafka-producer-perf-test from the same jars
#
# Environment: KAFKA_LOCAL_PORT (default 39092; the controller uses port+1), KAFKA_LOCAL_HEAP (default 1g),
# KAFKA_LOCAL_RUN_DIR (default scripts/infra/.cache/run: a second broker needs its own), KAFKA_LOCAL_JVM_OPTS
# (extra JVM options, space-separated, e.g. -XX:StartFlightRecording=filename=/tmp/broker.jfr to profile it).
# `restart [--kill] [--pause S]` stops the broker (SIGTERM, or SIGKILL with --kill), waits S seconds, and starts
# it again on the same data.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache="$here/.cache"
libs="$cache/kafka-$version/libs"
run=${KAFKA_LOCAL_RUN_DIR:-$cache/run}
port=${KAFKA_LOCAL_PORT:-39092}
controller_port=$((port + 1))
heap=${KAFKA_LOCAL_HEAP:-1g}

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { printf '[kafka.sh] error: %s\n' "$*" >&2; exit 1; }

fetch() {
  [ -f "$libs/.complete" ] && return 0
  command -v java >/dev/null || die "java not found: install a JDK 17+ (apt-get install openjdk-17-jre-headless) or set KAFKA_BROKERS to a running broker"
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven) or set KAFKA_BROKERS to a running broker"
  log "fetching Apache Kafka $version jars from Maven Central (once; cached in $libs)"
  rm -rf "$libs" && mkdir -p "$libs"
  mkdir -p "$cache"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" \
    >"$cache/maven.log" 2>&1 || { cat "$cache/maven.log" >&2; die "Maven could not fetch Apache Kafka $version; check access to Maven Central or set KAFKA_BROKERS"; }
  touch "$libs/.complete"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$run/kafka.pid" ] && kill -0 "$(cat "$run/kafka.pid")" 2>/dev/null; }

start() {
  fetch
  if running; then
    log "reusing running broker (pid $(cat "$run/kafka.pid"))"
    echo "KAFKA_BROKERS=127.0.0.1:$(cat "$run/port")"
    return 0
  fi
  port_open "$port" && die "port $port is taken by another process; set KAFKA_LOCAL_PORT to a free port or KAFKA_BROKERS to that broker"
  rm -rf "$run" && mkdir -p "$run/data"
  cat > "$run/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.ms=3600000
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
PROPS
  # KAFKA_LOCAL_PROPS: extra server properties, one key=value per line, appended (later keys win).
  [ -z "${KAFKA_LOCAL_PROPS:-}" ] || printf '%s\n' "$KAFKA_LOCAL_PROPS" >>"$run/server.properties"
  cat > "$run/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=INFO
PROPS
  local cp="$libs/*"
  local jvm=(-Dlog4j.configuration="file:$run/log4j.properties" -Dkafka.logs.dir="$run")
  echo "$port" >"$run/port"
  java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool format -t "$(java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$run/server.properties" >"$run/format.log" 2>&1 || { cat "$run/format.log" >&2; die "formatting KRaft storage failed"; }
  launch
}

# Starts the broker on the storage already formatted in $run and waits until it serves.
launch() {
  local cp="$libs/*"
  local jvm=(-Dlog4j.configuration="file:$run/log4j.properties" -Dkafka.logs.dir="$run")
  port=$(cat "$run/port")
  : >"$run/server.log"
  log "starting Apache Kafka $version (KRaft combined mode) on 127.0.0.1:$port"
  local extra=()
  read -r -a extra <<<"${KAFKA_LOCAL_JVM_OPTS:-}"
  # C1 only (TieredStopAtLevel=1): a broker started for a test run or benchmark spent most of its CPU in
  # the C2 compiler (8.5 of 11 CPU-seconds in a 50 s e2e run on 2 cores), taken from the services it
  # serves; with C1 alone the broker's CPU per mention in the e2e burst fell from 280–400 µs to 205–211.
  # A long-lived production broker (not this script's job) should keep C2.
  nohup java -Xms256m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "${jvm[@]}" ${extra[@]+"${extra[@]}"} \
    -cp "$cp" kafka.Kafka "$run/server.properties" >"$run/stdout.log" 2>&1 &
  echo $! >"$run/kafka.pid"
  local deadline=$((SECONDS + 90))
  until grep -q 'Kafka Server started' "$run/server.log" 2>/dev/null && port_open "$port"; do
    if ! running; then tail -n 30 "$run/stdout.log" "$run/server.log" >&2 2>/dev/null || true; die "broker exited during start-up"; fi
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$run/server.log" >&2 || true; die "broker not ready after 90 s"; }
    sleep 0.2
  done
  local reported
  reported=$(sed -n 's/.*Kafka version: \([^ ]*\).*/\1/p' "$run/server.log" | head -n 1)
  log "Apache Kafka ${reported:-$version} ready on 127.0.0.1:$port (pid $(cat "$run/kafka.pid"), logs in $run)"
  echo "KAFKA_BROKERS=127.0.0.1:$port"
}

stop() {
  if running; then
    local pid; pid=$(cat "$run/kafka.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped broker (pid $pid)"
  fi
  rm -rf "$run"
}

# Stops the process but keeps its data, then starts it again: a broker restart for fault tests.
restart() {
  [ -f "$run/server.properties" ] || die "no broker to restart in $run; run start first"
  local signal=TERM pause=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --kill) signal=KILL ;;
      --pause) shift; pause=${1:?--pause needs seconds} ;;
      *) die "restart: unknown option $1" ;;
    esac
    shift
  done
  if running; then
    local pid; pid=$(cat "$run/kafka.pid")
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped broker (pid $pid) for a restart"
  fi
  sleep "$pause"
  launch
}

case "${1:-}" in
  start) start ;;
  restart) shift; restart "$@" ;;
  stop) stop ;;
  status) running ;;
  fetch) fetch ;;
  perf) shift; fetch; exec java -cp "$libs/*" -Dlog4j.configuration="file:$here/perf-log4j.properties" org.apache.kafka.tools.ProducerPerformance "$@" ;;
  *) echo "usage: $0 start|stop|restart [--kill] [--pause S]|status|fetch|perf" >&2; exit 2 ;;
esac
