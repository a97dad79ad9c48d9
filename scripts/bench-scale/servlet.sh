# Issue 17's hello-servlet rows alone, sourced by scripts/bench: BENCH_ONLY=servlet scripts/bench [--quick].
#
# The two rows of the full run where Tomcat was still ahead, and nothing else: the hello servlet
# over HTTP/1.1 keep-alive and with a new connection per request (wrk -H 'Connection: close'), for
# the Java servers selected (BENCH_SERVERS="container undertow tomcat" is the usual set), in
# interleaved rounds as the full run does (start, warm both paths until stable, measure, stop).
# BENCH_SERVLET_BASELINE=<jar> adds a server "container-before" run from that jar (for example the
# jar of the commit before a change), so a change is measured against its baseline in one run.
# Writes docs/bench/<date>-servlet.{md,tsv}: medians and ratios to Tomcat and raw Undertow.
# Uses from scripts/bench: log, die, measure, record, settle, start_server, stop_server,
# server_command, the cpu pinning, $work, $root, $quick, $servers, $rounds, $connections,
# $duration, $warmup, $base_url, $results.

servlet_main() {
  local started=$EPOCHREALTIME server active=() round k n
  for server in "${servers[@]}"; do
    case "$server" in container|undertow|tomcat|jetty) active+=("$server") ;; esac
  done
  if [ -n "${BENCH_SERVLET_BASELINE:-}" ]; then
    [ -f "$BENCH_SERVLET_BASELINE" ] || die "BENCH_SERVLET_BASELINE: no such jar: $BENCH_SERVLET_BASELINE"
    active+=(container-before)
    # container-before is container run from the baseline jar (cmd is "java -jar JAR run ...")
    eval "servlet_base_$(declare -f server_command)"
    server_command() {
      if [ "$1" = container-before ]; then
        servlet_base_server_command container "$2"
        cmd[2]=$BENCH_SERVLET_BASELINE
      else
        servlet_base_server_command "$@"
      fi
    }
  fi
  [ ${#active[@]} -gt 0 ] || die "BENCH_ONLY=servlet: no Java server selected"
  log "servlet: servers ${active[*]}; $rounds round(s) of ${duration}s runs; $pinning"
  n=${#active[@]}
  for round in $(seq "$rounds"); do
    for k in $(seq 0 $((n - 1))); do
      servlet_round "$round" "${active[$(((round - 1 + k) % n))]}"
    done
  done

  local name
  name="$(date +%F)-servlet"
  $quick && name="$name-quick"
  mkdir -p "$root/docs/bench"
  cp "$results" "$root/docs/bench/$name.tsv"
  servlet_report "BENCH_ONLY=servlet scripts/bench${*:+ $*}" >"$root/docs/bench/$name.md"
  cat "$root/docs/bench/$name.md"
  log "servlet: done in $(( $(elapsed_ms "$started") / 1000 )) s"
  echo "report: $root/docs/bench/$name.md"
  echo "raw:    $root/docs/bench/$name.tsv"
}

servlet_round() {
  local round=$1 server=$2 got
  log "round $round: $server"
  start_server "$server" "$server-r$round"
  got=$(curl -s -w ' %{http_code}' "$base_url/hello/plaintext")
  [ "$got" = "Hello, World! 200" ] || die "$server: /hello/plaintext answered '$got'"
  settle "$base_url/hello/plaintext" "$connections"
  settle "$base_url/hello/plaintext" "$connections" -H 'Connection: close'
  measure "$round" "$server" servlet "$connections" "$base_url/hello/plaintext" 0
  measure "$round" "$server" servlet_close "$connections" "$base_url/hello/plaintext" 0 -H 'Connection: close'
  stop_server
}

# The median of a server's metric over the rounds (nothing if none).
servlet_median() {
  awk -F'\t' -v s="$1" -v m="$2" '$2 == s && $3 == m { print $4 }' "$results" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

servlet_report() {
  local command=$1 server metric label value peer ratio
  printf '# Hello servlet rows, %s\n\n' "$(date +%F)"
  printf '`%s`: %s round(s), %ss runs after warming until stable (max %ss per path), wrk -t1 -c%s; %s.\n' \
    "$command" "$rounds" "$duration" "$warmup" "$connections" "$pinning"
  printf 'Median req/s, and ratios to Tomcat and raw Undertow measured in this run.\n\n'
  printf '| server | row | req/s (per round) | median | ÷ Tomcat | ÷ Undertow | server CPU %% |\n|---|---|---|---|---|---|---|\n'
  for metric in servlet servlet_close; do
    [ "$metric" = servlet ] && label="keep-alive" || label="new connection"
    for server in $(awk -F'\t' '{ print $2 }' "$results" | awk '!seen[$0]++'); do
      value=$(servlet_median "$server" "$metric")
      [ -n "$value" ] || continue
      printf '| %s | %s | %s | %.0f' "$server" "$label" \
        "$(awk -F'\t' -v s="$server" -v m="$metric" '$2 == s && $3 == m { printf "%s%s", sep, $4; sep = ", " }' "$results")" "$value"
      for peer in tomcat undertow; do
        ratio=$(servlet_median "$peer" "$metric")
        if [ -n "$ratio" ]; then printf ' | %.2f×' "$(awk -v a="$value" -v b="$ratio" 'BEGIN { print a / b }')"; else printf ' | –'; fi
      done
      printf ' | %s |\n' "$(servlet_median "$server" "$metric.cpu")"
    done
  done
}
