# Issue 17's idle-connections row, sourced by scripts/bench: BENCH_ONLY=conns scripts/bench [--quick] [--readme].
#
# For container, nginx and Tomcat in turn, each serving the same 1 KiB file: hold N keep-alive
# connections open and idle (scripts/bench-scale/conns_hold.py: one request each, then nothing),
# HTTP/1.1 in plain text and HTTP/2 over TLS (ALPN h2), and measure
#   - memory per connection: (RSS with N held - RSS before) / N, the server's processes together;
#   - the p99 latency of a normal client meanwhile (wrk for HTTP/1.1, h2load for h2; 10
#     connections, closed loop), against its p99 with nothing held.
# Each server is started afresh for each protocol, warmed with the normal client, then holds
# N = 1,000 and then 10,000 (--quick: 100 and 1,000). Every server gets the limits this needs and
# no other change: no connection cap, idle timeouts of 10 minutes (longer than the hold).
# Writes docs/bench/<date>-conns.{md,tsv,png}; --readme replaces README.md's scale-conns block.
# BENCH_CONNS_COUNTS (e.g. "1000 5000") and BENCH_CONNS_PROTOCOLS ("h1", "h2") narrow a run.
# Uses from scripts/bench: log, die, record, rss_mib, stop_server, elapsed_ms, the cpu pinning,
# $work (static files, certificate), $port, $tls_port, $root, $quick, $readme, $servers.

conns_servers_known="container nginx tomcat"

conns_main() {
  local started=$EPOCHREALTIME counts protocols=(${BENCH_CONNS_PROTOCOLS:-h1 h2}) server protocol active=()
  if $quick; then counts=(${BENCH_CONNS_COUNTS:-100 1000}); conns_warm=3; conns_seconds=3
  else counts=(${BENCH_CONNS_COUNTS:-1000 10000}); conns_warm=10; conns_seconds=5; fi
  # The held connections, the servers' sockets and wrk's all need descriptors: the hard limit.
  ulimit -n "$(ulimit -Hn)"
  local need=$(( counts[${#counts[@]} - 1] + 100 ))
  (( $(ulimit -n) >= need )) || die "BENCH_ONLY=conns: ulimit -n is $(ulimit -n), holding ${counts[-1]} needs $need"
  for server in "${servers[@]}"; do
    [[ " $conns_servers_known " == *" $server "* ]] || continue
    if [ "$server" = nginx ] && ! command -v nginx >/dev/null; then log "conns: no nginx, skipped"; continue; fi
    active+=("$server")
  done
  [ ${#active[@]} -gt 0 ] || die "BENCH_ONLY=conns: none of $conns_servers_known is selected"
  command -v h2load >/dev/null || die "BENCH_ONLY=conns: h2load is required (Debian package nghttp2-client)"
  conns_files
  log "conns: servers ${active[*]}; held ${counts[*]}; ${protocols[*]}; $pinning"
  for protocol in "${protocols[@]}"; do
    for server in "${active[@]}"; do
      conns_round "$server" "$protocol" "${counts[@]}"
        # Conscrypt opens a pipe for every TLS connection (three descriptors each, not one): with a
      # hard limit under three per held connection, container-jdk (--tls-provider jdk) holds them all
      if [ "$server" = container ] && [ "$protocol" = h2 ]; then conns_round container-jdk h2 "${counts[@]}"; fi
    done
  done

  local date name
  date=$(date +%F)
  name="$date-conns"
  $quick && name="$name-quick"
  mkdir -p "$root/docs/bench"
  cp "$results" "$root/docs/bench/$name.tsv"
  local readme_args=() histograms=()
  $readme && readme_args=(--readme "$root/README.md")
  for server in container container-jdk; do
    for protocol in "${protocols[@]}"; do
      [ -s "$work/run/histogram-$server-$protocol.txt" ] && histograms+=(--histogram "$server $protocol $work/run/histogram-$server-$protocol.txt")
    done
  done
  python3 "$root/scripts/bench-scale/conns_report.py" --results "$results" "${histograms[@]}" \
    --out "$root/docs/bench/$name.md" --chart "$root/docs/bench/$name.png" \
    --command "${only:+BENCH_ONLY=conns }scripts/bench${*:+ $*}" --pinning "$pinning" --goals "$work/goals-conns.tsv" \
    --settings "held ${counts[*]}; normal client: 10 connections, ${conns_seconds}s (wrk -t1 for HTTP/1.1, h2load -m1 for h2); warm-up ${conns_warm}s; ECDSA P-256; port $port (HTTP/1.1), $tls_port (h2 over TLS)" \
    --versions "$(versions)" "${readme_args[@]}"
  log "conns: done in $(( $(elapsed_ms "$started") / 1000 )) s"
  echo "report: $root/docs/bench/$name.md"
  echo "raw:    $root/docs/bench/$name.tsv"
  [ -f "$root/docs/bench/$name.png" ] && echo "chart:  $root/docs/bench/$name.png"
  return 0
}

# Each server's configuration for the row: the limits that holding many idle connections needs.
conns_files() {
  mkdir -p "$work/run"
  cat >"$work/conns.conf" <<'EOF'
# container for BENCH_ONLY=conns: the defaults, but room for the held connections (10,000 by
# default per listener) and an idle timeout longer than the hold (60 s by default)
limits {
  max-connections = 100000
  idle-timeout = 10m
}
EOF
  cat >"$work/conns-nginx.conf" <<EOF
# Debian's nginx.conf as in the main rows, with one worker (the server has one core) and room for
# the held connections; keep-alive and HTTP/2 idle timeouts longer than the hold.
worker_processes 1;
worker_rlimit_nofile 100000;
pid $work/run/nginx-conns.pid;
error_log $work/run/nginx-conns-error.log;
events { worker_connections 100000; }
http {
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  keepalive_timeout 600s;
  keepalive_requests 100000;
  http2_idle_timeout 600s;
  client_body_temp_path $work/run/nginx-body;
  proxy_temp_path $work/run/nginx-proxy;
  fastcgi_temp_path $work/run/nginx-fastcgi;
  uwsgi_temp_path $work/run/nginx-uwsgi;
  scgi_temp_path $work/run/nginx-scgi;
  server {
    listen 127.0.0.1:$port;
    listen 127.0.0.1:$tls_port ssl http2;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    root $work/static;
  }
}
EOF
}

# Starts SERVER with both listeners, pinned to the server core, and waits for its first 200.
conns_start() {
  local server=$1 dir="$work/run/conns-$1-$2" benchdir="$root/scripts/bench-servers" t0 cmd
  mkdir -p "$dir"
  chmod 755 "$dir"
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then die "something already answers on port $port; set BENCH_PORT"; fi
  case "$server" in
    container|container-jdk)
      cmd=(java -jar "$root/container/target/container.jar" run --config "$work/conns.conf" --static "$work/static"
        --listen "127.0.0.1:$port" --https "127.0.0.1:$tls_port" --cert "$work/tls.crt" --key "$work/tls.key"
        --state "$dir" --metrics off)
      if [ "$server" = container-jdk ]; then cmd+=(--tls-provider jdk); fi ;;
    nginx)
      cmd=(nginx -p "$dir" -c "$work/conns-nginx.conf" -e "$dir/error.log" -g "daemon off;") ;;
    tomcat)
      cmd=(java -cp "$benchdir/tomcat/target/bench-tomcat.jar:$benchdir/tomcat/target/lib/*" bench.tomcat.Conns
        "$port" "$tls_port" "$work/static" "$dir" "$work/tls.crt" "$work/tls.key") ;;
  esac
  HOME="$dir" "${server_cpu[@]}" "${cmd[@]}" >"$dir.log" 2>&1 &
  server_pid=$!
  t0=$EPOCHREALTIME
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/1k.bin" 2>/dev/null)" = 200 ] &&
      [ "$(curl -s -o /dev/null -k --http2 -w '%{http_version}' "https://127.0.0.1:$tls_port/1k.bin" 2>/dev/null)" = 2 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 20 "$dir.log" >&2
      server_pid=""
      die "conns: $server exited before answering (log above)"
    fi
    (( $(elapsed_ms "$t0") < 60000 )) || die "conns: $server did not answer within 60 s"
    sleep 0.1
  done
}

# The normal client for SECONDS against the 1 KiB file: prints "rate p99_us errors".
conns_probe() {
  local protocol=$1 seconds=$2 out
  if [ "$protocol" = h1 ]; then
    out=$("${load_cpu[@]}" wrk -t1 -c10 -d"${seconds}s" --latency -s "$work/result.lua" "http://127.0.0.1:$port/1k.bin" | grep '^wrk-result')
    # wrk-result requests=... bytes=... duration_us=... errors=... p50_us=... p99_us=...
    awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           printf "%.0f %d %d\n", v["requests"] * 1e6 / v["duration_us"], v["p99_us"], v["errors"] }' <<<"$out"
  else
    local logfile="$work/run/h2load.log"
    rm -f "$logfile"
    out=$(timeout $((seconds + 30)) "${load_cpu[@]}" h2load -c10 -m1 -D "$seconds" --log-file="$logfile" \
      "https://127.0.0.1:$tls_port/1k.bin" 2>&1 || true)
    # the log: start time, status, request time in microseconds, one request a line
    local errors rate p99
    errors=$(awk '/^requests:/ { print $10 + $12 + $14 }' <<<"$out")
    [[ "$out" == *"Application protocol: h2"* ]] || errors=$((${errors:-0} + 1))
    rate=$(awk -v s="$seconds" '$2 == 200 { n++ } END { printf "%.0f", n / s }' "$logfile")
    p99=$(awk '$2 == 200 { print $3 }' "$logfile" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print v[i] + 0 }')
    printf '%s %s %s\n' "$rate" "$p99" "${errors:-1}"
  fi
}

# One server, one protocol: start, warm, p99 with nothing held, then hold each count in turn.
conns_round() {
  local server=$1 protocol=$2 count base rss line held failed dropped rate p99 errors
  shift 2
  log "conns: $server, $protocol"
  conns_start "$server" "$protocol"
  conns_probe "$protocol" "$conns_warm" >/dev/null
  read -r rate p99 errors < <(conns_probe "$protocol" "$conns_seconds")
  record 1 "$server" "$protocol.n0.rate" "$rate"
  record 1 "$server" "$protocol.n0.p99_us" "$p99"
  record 1 "$server" "$protocol.n0.errors" "$errors"
  sleep 1
  base=$(rss_mib)
  record 1 "$server" "$protocol.rss_base_mib" "$base"
  local hold_args=(--port "$port" --path /1k.bin --sources 8)
  [ "$protocol" = h2 ] && hold_args=(--port "$tls_port" --path /1k.bin --sources 8 --h2 --cafile "$work/tls.crt")
  coproc CONNS_HOLD { "${load_cpu[@]}" python3 "$root/scripts/bench-scale/conns_hold.py" "${hold_args[@]}" 2>"$work/run/conns-hold.log"; }
  conns_hold_pid=$CONNS_HOLD_PID
  for count in "$@"; do
    local t0=$EPOCHREALTIME want=$count
    # Conscrypt opens a pipe for every SSL object: three descriptors a connection. Where the hard
    # limit cannot take COUNT of them, hold what fits and say so (memory per connection still holds).
    if [ "$server" = container ] && [ "$protocol" = h2 ] && (( 3 * count + 300 > $(ulimit -n) )); then
      want=$(( ($(ulimit -n) - 300) / 3 ))
      record 1 "$server" "$protocol.n$count.fd_capped" "$want"
      log "  $count: Conscrypt needs 3 descriptors a connection and ulimit -n is $(ulimit -n): holding $want"
    fi
    echo "open $want" >&"${CONNS_HOLD[1]}"
    read -r -t 600 line <&"${CONNS_HOLD[0]}" || die "conns: the holding client did not answer ($(tail -n 3 "$work/run/conns-hold.log"))"
    read -r _ held _ failed _ dropped <<<"$line"
    log "  $count: $line after $(( $(elapsed_ms "$t0") / 1000 )) s"
    # what the server allocated lazily for the last connections settles
    sleep 2
    rss=$(rss_mib)
    record 1 "$server" "$protocol.n$count.held" "$held"
    record 1 "$server" "$protocol.n$count.failed" "$failed"
    record 1 "$server" "$protocol.n$count.rss_mib" "$rss"
    record 1 "$server" "$protocol.n$count.kib_per_conn" "$(awk -v a="$rss" -v b="$base" -v n="$held" 'BEGIN { printf "%.1f", (n > 0 ? (a - b) * 1024 / n : 0) }')"
    read -r rate p99 errors < <(conns_probe "$protocol" "$conns_seconds")
    record 1 "$server" "$protocol.n$count.rate" "$rate"
    record 1 "$server" "$protocol.n$count.p99_us" "$p99"
    record 1 "$server" "$protocol.n$count.errors" "$errors"
    # connections the server closed while held (an idle timeout): the figures above would be wrong
    echo count >&"${CONNS_HOLD[1]}"
    read -r -t 60 line <&"${CONNS_HOLD[0]}" || true
    read -r _ held _ failed _ dropped <<<"$line"
    record 1 "$server" "$protocol.n$count.dropped" "${dropped:-0}"
    (( ${dropped:-0} == 0 )) || log "  $server dropped $dropped held connections"
  done
  # Where a JVM's memory went with the most connections held: the heap's largest classes (after a
  # full GC, which is why it comes after every figure above)
  if [[ "$server" == container* ]] && command -v jcmd >/dev/null; then
    jcmd "$server_pid" GC.class_histogram 2>/dev/null | head -n 28 >"$work/run/histogram-$server-$protocol.txt" || true
  fi
  echo quit >&"${CONNS_HOLD[1]}"
  wait "$conns_hold_pid" 2>/dev/null || true
  conns_hold_pid=""
  stop_server
}
