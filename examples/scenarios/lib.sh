# shellcheck shell=bash
# Shared by the scenario scripts (examples/scenarios/*/run); source it, then call scenario_start "$@".
#
# A scenario runs on a working copy of its policies/: it starts the local stack (bin/run: control plane, context
# service, mock LLMs, and Envoy when one can run here) on that copy, then applies steps/NN-slug/ by copying their
# files over it — exactly what a user saving files does — and waits until the control plane has taken the change.
# Traffic goes through Envoy on 127.0.0.1:10000 when it answers; without Envoy the control-plane side (versions,
# status, metrics) still runs and the traffic is skipped with the command that starts Envoy.
# Needs bash, curl, sed and grep; the stack itself needs Java 17 and Maven (bin/run builds what it runs).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADMIN="http://127.0.0.1:19000"
ENVOY="http://127.0.0.1:10000"
# shellcheck disable=SC2034  # used by the scenario scripts
ENVOY_ADMIN="http://127.0.0.1:9901"
READY_SECONDS=300   # the first run builds the jars
CHANGE_SECONDS=15   # the watcher applies a save within ~200 ms; generous for a loaded machine

YES=false
USE_RUNNING=false
# The loopback Redis ports the scenario's ContextStores name: set before scenario_start, which starts a throwaway
# redis-server on each (bin/ensure-redis installs Debian's package when it is absent) and stops them at the end.
SCENARIO_REDIS_PORTS=()
REDIS_PIDS=()
STACK_PID=""
WORK=""
BACKUP=""
SCENARIO_DIR=""

scenario_usage() {
  cat <<EOF
usage: $0 [--yes] [--use-running]
  --yes          do not pause between steps
  --use-running  use the stack that already answers on $ADMIN: this scenario's policies are copied over the
                 policy directory it serves, and what it held is copied back at the end
EOF
}

# Parses the options, prepares the working policy directory and starts (or joins) the stack.
scenario_start() {
  SCENARIO_DIR="$(cd "$(dirname "$0")" && pwd)"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --yes) YES=true ;;
      --use-running) USE_RUNNING=true ;;
      -h|--help) scenario_usage; exit 0 ;;
      *) scenario_usage >&2; exit 2 ;;
    esac
    shift
  done
  command -v curl >/dev/null || { echo "this script needs curl" >&2; exit 2; }
  trap stop_stack EXIT
  trap 'exit 130' INT TERM
  start_redis_servers
  if curl -fsS -o /dev/null --max-time 2 "$ADMIN/healthz" 2>/dev/null; then
    join_running_stack
  else
    start_stack
  fi
}

start_stack() {
  local run_dir
  run_dir="$(mktemp -d "${TMPDIR:-/tmp}/llm-xds-$(basename "$SCENARIO_DIR").XXXXXX")"
  WORK="$run_dir/policies"
  cp -R "$SCENARIO_DIR/policies" "$WORK"
  heading "Starting the stack on a copy of $(relative "$SCENARIO_DIR/policies")"
  echo "policies: $WORK"
  echo "log:      $run_dir/stack.log"
  # In the background a non-interactive shell ignores SIGINT for the child: stop_stack sends SIGTERM instead.
  "$ROOT/bin/run" --policies "$WORK" >"$run_dir/stack.log" 2>&1 &
  STACK_PID=$!
  local waited=0
  until curl -fsS -o /dev/null --max-time 2 "$ADMIN/readyz" 2>/dev/null; do
    if ! kill -0 "$STACK_PID" 2>/dev/null; then
      STACK_PID=""
      echo "the stack stopped while starting; the end of its log:" >&2
      tail -n 30 "$run_dir/stack.log" >&2
      exit 1
    fi
    if (( waited >= READY_SECONDS )); then
      echo "the control plane is not ready after ${READY_SECONDS}s; see $run_dir/stack.log" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "ready: control plane admin $ADMIN, config version $(config_version)"
}

join_running_stack() {
  if [[ "$USE_RUNNING" != true ]]; then
    cat >&2 <<EOF
A stack already answers on $ADMIN (policy directory: $(status_field policyDirectory)).
Stop it (Ctrl-C where bin/run runs), or re-run with --use-running to copy this scenario's policies over the
directory it serves (what it holds now is copied back at the end).
EOF
    exit 1
  fi
  WORK="$(status_field policyDirectory)"
  BACKUP="$(mktemp -d "${TMPDIR:-/tmp}/llm-xds-backup.XXXXXX")"
  cp -R "$WORK/." "$BACKUP/"
  heading "Using the running stack: its policy directory $WORK"
  echo "what it held is saved in $BACKUP and copied back at the end"
  local before
  before="$(config_version)"
  cp -R "$SCENARIO_DIR/policies/." "$WORK/"
  poll version_differs "$before" || true
  echo "config version $(config_version)"
}

start_redis_servers() {
  [[ ${#SCENARIO_REDIS_PORTS[@]} -gt 0 ]] || return 0
  "$ROOT/bin/ensure-redis"
  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/llm-xds-redis.XXXXXX")"
  for port in "${SCENARIO_REDIS_PORTS[@]}"; do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then
      echo "something already answers Redis on 127.0.0.1:$port; this scenario starts its own there" >&2
      exit 1
    fi
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --logfile "$dir/redis-$port.log" &
    REDIS_PIDS+=($!)
    if ! poll redis_answers "$port"; then
      echo "redis-server on 127.0.0.1:$port did not start; its log:" >&2
      tail -n 20 "$dir/redis-$port.log" >&2
      exit 1
    fi
    echo "redis-server on 127.0.0.1:$port (log $dir/redis-$port.log)"
  done
}

redis_answers() {
  redis-cli -p "$1" ping >/dev/null 2>&1
}

# One line about the Redis on 127.0.0.1:<port>: its conversation records by schema, and how many EVAL (the store
# writes with a script) and LRANGE (it reads) it has served; opening a store checks it with one of each.
redis_summary() {
  local port="$1" v1 v2
  v1="$(redis-cli -p "$port" --scan --pattern 'llmxds:ctx:v1:*' | wc -l)"
  v2="$(redis-cli -p "$port" --scan --pattern 'llmxds:ctx:v2:*' | wc -l)"
  echo "127.0.0.1:$port: $v1 v1 record(s), $v2 v2 record(s); served EVAL $(redis_calls "$port" eval)," \
    "LRANGE $(redis_calls "$port" lrange)"
}

# How many calls of <command> the Redis on 127.0.0.1:<port> has served (INFO commandstats).
redis_calls() {
  redis-cli -p "$1" info commandstats | tr -d '\r' | sed -n "s/^cmdstat_$2:calls=\([0-9]*\).*/\1/p" | grep . || echo 0
}

stop_stack() {
  if [[ -n "$BACKUP" ]]; then
    echo
    echo "Restoring the policies $WORK held before (from $BACKUP) ..."
    cp -R "$BACKUP/." "$WORK/"
    BACKUP=""
  fi
  if [[ -n "$STACK_PID" ]] && kill -0 "$STACK_PID" 2>/dev/null; then
    echo
    echo "Stopping the stack (pid $STACK_PID) ..."
    kill -TERM "$STACK_PID" 2>/dev/null || true
    wait "$STACK_PID" 2>/dev/null || true
  fi
  STACK_PID=""
  if [[ ${#REDIS_PIDS[@]} -gt 0 ]]; then
    kill -TERM "${REDIS_PIDS[@]}" 2>/dev/null || true
    wait "${REDIS_PIDS[@]}" 2>/dev/null || true
  fi
  REDIS_PIDS=()
}

heading() {
  printf '\n\033[1m== %s\033[0m\n' "$*"
}

relative() {
  echo "${1#"$ROOT"/}"
}

pause() {
  if [[ "$YES" != true ]]; then
    read -r -p "-- press Enter to continue (Ctrl-C stops everything) " _ || true
  fi
}

status_json() {
  curl -fsS --max-time 5 "$ADMIN/status"
}

# A top-level string field of GET /status (the JSON is indented by two spaces per level).
status_field() {
  status_json | json_field "$1"
}

# A top-level string field of the admin API's JSON on stdin (indented by two spaces per level).
json_field() {
  sed -n "s/^  \"$1\" : \"\\([^\"]*\\)\".*/\\1/p"
}

config_version() {
  status_field configVersion
}

# A field of /status "lastReload": a string, or for "changes" the list as printed.
last_reload_field() {
  status_json | sed -n '/^  "lastReload"/,/^  }/p' | sed -n "s/^    \"$1\" : \\(.*\\),\$/\\1/p" | tr -d '"[]' | sed 's/^ *//; s/ *$//'
}

# Runs "$@" every 0.1 s until it succeeds; fails after CHANGE_SECONDS.
poll() {
  local tries=$((CHANGE_SECONDS * 10))
  until "$@"; do
    (( tries-- > 0 )) || return 1
    sleep 0.1
  done
}

version_differs() {
  [[ "$(config_version)" != "$1" ]]
}

reload_failed() {
  [[ "$(last_reload_field status)" == failure ]]
}

# True when node <id> has ACKed every type of the config version served now.
node_synced() {
  status_json | tr -d ' \n' | grep -q "\"node\":\"$1\"[^}]*\"configVersion\":\"$(config_version)\""
}

node_nacked() {
  status_json | grep -q '"state" : "NACKED"'
}

# Copies steps/<step>/* over the working policy directory (showing the diff), then waits for the outcome:
#   new-version (default) — the control plane publishes a new config version;
#   refused               — llm-xds rejects the files: compiler-style errors, nothing pushed.
apply_step() {
  local step="$1" expect="${2:-new-version}" dir="$SCENARIO_DIR/steps/$1" before file
  heading "Step $step"
  before="$(config_version)"
  for file in "$dir"/*; do
    echo "--- saving $(basename "$file") (from $(relative "$file"))"
    diff -u "$WORK/$(basename "$file")" "$file" | tail -n +3 || true
  done
  cp -R "$dir/." "$WORK/"
  case "$expect" in
    new-version)
      if ! poll version_differs "$before"; then
        echo "no new config version after ${CHANGE_SECONDS}s; the last reload:" >&2
        status_json | sed -n '/^  "lastReload"/,/^  }/p' >&2
        exit 1
      fi
      echo "config version $before -> $(config_version)  (changes: $(last_reload_field changes))"
      ;;
    refused)
      if ! poll reload_failed; then
        echo "the control plane did not report a failed reload after ${CHANGE_SECONDS}s" >&2
        exit 1
      fi
      echo "llm-xds refused the change; the errors, as bin/llm-xds validate prints them:"
      "$ROOT/bin/llm-xds" validate "$WORK" || true
      echo "config version still $(config_version): nothing was pushed, every node keeps what it has."
      ;;
    *) echo "apply_step: unknown expectation $expect" >&2; exit 2 ;;
  esac
}

# bin/llm-xds status: every node per xDS type (it exits 1 when a node NACKed, which is what we may want to show).
show_status() {
  echo "--- bin/llm-xds status"
  "$ROOT/bin/llm-xds" status --admin "$ADMIN" || true
}

# Prints the lines of GET /metrics that start with one of the given names.
show_metrics() {
  local pattern
  pattern="^($(IFS='|'; echo "$*"))"
  echo "--- GET $ADMIN/metrics (excerpt)"
  curl -fsS --max-time 5 "$ADMIN/metrics" | grep -E "$pattern" || echo "(no such lines yet)"
}

envoy_running() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENVOY/" 2>/dev/null || true)" != 000 ]]
}

# True when Envoy answers; otherwise says so, with the commands that start it, and returns false.
envoy_or_skip() {
  if envoy_running; then
    return 0
  fi
  cat <<EOF
Envoy not running — traffic skipped; start Envoy with:
  envoy -c $ROOT/envoy/bootstrap.yaml --service-node envoy-local-1
  # or, with Docker (the same command bin/run prints):
  docker run --rm --name llm-xds-envoy --network host -v $ROOT/envoy/bootstrap.yaml:/etc/envoy/envoy.yaml:ro \\
    envoyproxy/envoy:v1.34-latest -c /etc/envoy/envoy.yaml --service-node envoy-local-1
(then run this scenario again with --use-running, or restart it: bin/run starts Envoy itself when it can)
EOF
  return 1
}

# One chat request through Envoy; extra arguments are curl options (headers). Prints the response headers, then
# the body, separated by an empty line.
chat() {
  local text="$1"
  shift
  curl -sS -i --max-time 30 "$ENVOY/v1/chat/completions" -H 'content-type: application/json' "$@" \
    -d "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"$text\"}]}"
}

# Sends <count> requests and prints how many got each HTTP status. MODEL (default chat) is the model they ask for.
count_statuses() {
  local count="$1" i
  shift
  for ((i = 0; i < count; i++)); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 "$ENVOY/v1/chat/completions" \
      -H 'content-type: application/json' "$@" \
      -d "{\"model\":\"${MODEL:-chat}\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
  done | sort | uniq -c | awk '{printf "  HTTP %s: %d\n", $2, $1}'
}

# Sends <count> requests and prints how many each backend (response header x-llm-backend) answered.
count_backends() {
  local count="$1" i
  for ((i = 0; i < count; i++)); do
    chat "hi" | tr -d '\r' | sed -n 's/^x-llm-backend: //Ip'
  done | sort | uniq -c | awk '{printf "  %-14s %d\n", $2, $1}'
}

# The answer's text (choices[0].message.content) from chat's output.
reply_text() {
  grep -oE '"content" ?: ?"([^"\\]|\\.)*"' | head -1 | sed -E 's/^"content" ?: ?"//; s/"$//; s/\\"/"/g'
}

# Which config served chat's output (on stdin): the route version Envoy reports and the config version that
# introduced it, as the admin API's GET /route_versions maps it.
served_by() {
  local route_version config
  route_version="$(header_of x-llm-route-version)"
  config="$(curl -fsS --max-time 5 "$ADMIN/route_versions?version=$route_version" 2>/dev/null | json_field configVersion)"
  echo "route version ${route_version:--} (config version ${config:--})"
}

# A response header's value from chat's output.
header_of() {
  tr -d '\r' | sed -n "s/^$1: //Ip" | head -1
}
