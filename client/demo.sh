#!/usr/bin/env bash
# `make demo`: the server and two clients (+111111111, +222222222) side by side in
# one tmux session. State lives in data/demo/ (git-ignored), so a re-run keeps the
# history. Leaving the session (quitting both clients, detaching, or killing it)
# stops all three. Without tmux: runs the server here and prints the client commands.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=data/demo
PORT=${DEMO_PORT:-50051}
SERVER=127.0.0.1:$PORT
SESSION=e2ee-demo
NUMBERS=(+111111111 +222222222)
LOG=$DATA/server.log

client_command() {
  echo "env -u CI NODE_ENV=production node dist/client/main.js --id $1 --server $SERVER --data-dir $DATA/$1"
}

# Waits for the server's first line (`listening on ...`), or fails with its output.
wait_until_listening() {
  local pid=$1
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$LOG" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: the server did not start (if port $PORT is in use, set DEMO_PORT):" >&2
  cat "$LOG" >&2
  return 1
}

# One-shot `r` registers a number that is not registered yet (otherwise it receives,
# which the UI would do anyway). Quiet unless it fails.
register_clients() {
  local number output
  for number in "${NUMBERS[@]}"; do
    if ! output=$(node dist/client/main.js --id "$number" --server "$SERVER" --data-dir "$DATA/$number" r 2>&1); then
      echo "demo: registering $number failed: $output" >&2
      return 1
    fi
  done
}

mkdir -p "$DATA"
SERVER_COMMAND="node dist/server/main.js --host 127.0.0.1 --port $PORT --db $DATA/server.db"

if ! command -v tmux >/dev/null; then
  $SERVER_COMMAND >"$LOG" 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null' EXIT
  wait_until_listening "$server_pid"
  register_clients
  echo "Server running ($(head -n1 "$LOG")). In two other terminals, run:"
  for number in "${NUMBERS[@]}"; do echo "  $(client_command "$number")"; done
  echo "Ctrl+C stops the server."
  tail -n +2 -f "$LOG" --pid "$server_pid"
  exit 0
fi

# A running demo (another terminal) is joined, not restarted.
if ! tmux has-session -t "$SESSION" 2>/dev/null; then
  read -r rows cols < <(stty size 2>/dev/null || echo '45 160')
  : >"$LOG" # so the wait below never reads a previous run's "listening on"
  # When the session ends, the server gets SIGHUP and shuts down cleanly (its stdin is
  # not the pane's terminal, which Node would try to reset at exit and abort); tee keeps
  # writing its last lines to the log (not to the closed pane), so it ignores the hangup too.
  tmux new-session -d -s "$SESSION" -x "$cols" -y "$rows" -n demo "$SERVER_COMMAND </dev/null 2>&1 | (trap '' HUP; tee --output-error=warn $LOG)"
  tmux set-option -t "$SESSION" pane-border-status top
  tmux select-pane -t "$SESSION:demo.0" -T "server $SERVER"
  server_pid=$(tmux display-message -p -t "$SESSION:demo.0" '#{pane_pid}')
  wait_until_listening "$server_pid" || { tmux kill-session -t "$SESSION" 2>/dev/null; exit 1; }
  register_clients || { tmux kill-session -t "$SESSION" 2>/dev/null; exit 1; }
  # When the last client quits, the session (and with it the server) ends. A
  # hook, run by the tmux server one exit at a time: each client counting the
  # panes as it quit missed it when both quit at once, and left the server up.
  tmux set-hook -t "$SESSION" pane-exited "if-shell -F '#{==:#{window_panes},1}' 'kill-session -t $SESSION'"
  first=$(tmux split-window -P -F '#{pane_id}' -v -l 80% -t "$SESSION:demo.0" "$(client_command "${NUMBERS[0]}")")
  second=$(tmux split-window -P -F '#{pane_id}' -h -t "$first" "$(client_command "${NUMBERS[1]}")")
  tmux select-pane -t "$first" -T "${NUMBERS[0]}"
  tmux select-pane -t "$second" -T "${NUMBERS[1]}"
  tmux select-pane -t "$first"
fi

if [ -t 1 ]; then
  # Inside tmux the session lives on the same tmux server; attach to it nested.
  # Detaching ends the demo.
  socket=()
  [ -n "${TMUX:-}" ] && socket=(-S "${TMUX%%,*}")
  env -u TMUX tmux "${socket[@]}" attach-session -t "$SESSION" || true
  tmux kill-session -t "$SESSION" 2>/dev/null || true
else
  echo "demo running in tmux session '$SESSION' (tmux attach -t $SESSION; tmux kill-session -t $SESSION stops it)"
fi
