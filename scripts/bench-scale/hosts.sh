# BENCH_ONLY=hosts (issue 17): routing cost against the number of virtual hosts in the config
# (N = 1, 100, 1,000, each its own static mount of one directory): requests per second and server
# CPU per request for a 1 KiB file, with wrk's Host header on one host and rotating over all N,
# for container and Caddy (one site block per host). Sourced by scripts/bench after certs.sh,
# whose scale_* helpers it uses. Writes docs/bench/<date>-hosts.{md,tsv,png}; --readme replaces
# the scale-hosts block of README.md. Then the row's flatness figure: hosts_pairs (N = 1 and the
# largest N together, interleaved); BENCH_HOSTS_NS, BENCH_HOSTS_PAIRS (pairs started; 0: none),
# BENCH_HOSTS_PAIR_ROUNDS (A B B A rounds per pair), BENCH_SERVERS without caddy: container alone.

# Writes the site, the name lists, wrk's script, and for each N container's config and a Caddyfile.
hosts_prepare() {
  local n
  mkdir -p "$work/hosts-site"
  head -c 1024 /dev/urandom >"$work/hosts-site/1k.bin"
  chmod -R a+rX "$work"
  # The Host header from a file of names, in turn; the first-name file makes "one" cost wrk the same.
  cat >"$work/hosts.lua" <<'LUA'
local names = {}
for line in io.lines(os.getenv("BENCH_HOSTS_FILE")) do names[#names + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/1k.bin", { Host = names[(i % #names) + 1] })
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk-result requests=%d duration_us=%d errors=%d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
  for n in "${hosts_ns[@]}"; do
    seq 1 "$n" | sed 's/.*/h&.bench.test/' >"$work/hosts-names-$n"
    head -n 1 "$work/hosts-names-$n" >"$work/hosts-one-$n"
    {
      echo "listeners = [{ host = \"127.0.0.1\", port = $hosts_port }]"
      echo "state-dir = \"$work/hosts-state-$n\""
      echo "hosts {"
      awk '{ printf "  h%d { names = [\"%s\"]%s }\n", NR, $1, (NR == 1 ? ", default = true" : "") }' "$work/hosts-names-$n"
      echo "}"
      echo "static = ["
      awk -v d="$work/hosts-site" '{ printf "  { dir = \"%s\", hosts = [h%d] }\n", d, NR }' "$work/hosts-names-$n"
      echo "]"
    } >"$work/hosts-$n.conf"
    {
      printf '{\n  admin off\n  auto_https off\n  storage file_system %s/caddy-hosts-%s\n}\n' "$work" "$n"
      awk -v d="$work/hosts-site" -v p="$hosts_port" '{ printf "http://%s:%s {\n  root * %s\n  file_server\n}\n", $1, p, d }' \
        "$work/hosts-names-$n"
    } >"$work/Caddyfile-hosts-$n"
  done
}

# wrk on the load core for SECONDS with the names in FILE (against PORT, default the row's);
# prints "requests duration_us errors ticks".
hosts_wrk() {
  local seconds=$1 file=$2 at=${3:-$hosts_port} before after line
  before=$(cpu_ticks)
  line=$(BENCH_HOSTS_FILE=$file "${load_cpu[@]}" wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/hosts.lua" \
    "http://127.0.0.1:$at/" | grep '^wrk-result')
  after=$(cpu_ticks)
  # shellcheck disable=SC2086
  set -- ${line#wrk-result }
  echo "${1#*=} ${2#*=} ${3#*=} $((after - before))"
}

hosts_one() {
  local server=$1 n=$2 last
  local -a cmd
  last=$(tail -n 1 "$work/hosts-names-$n")
  if [ "$server" = container ]; then
    cmd=(java -jar "$root/container/target/container.jar" run --config "$work/hosts-$n.conf")
  else
    cmd=(caddy run --config "$work/Caddyfile-hosts-$n" --adapter caddyfile)
  fi
  rm -rf "$work/hosts-state-$n" "$work/caddy-hosts-$n"
  log "hosts: $server, N=$n"
  if ! scale_start "$server-hosts-$n" "http://$last:$hosts_port/1k.bin" "$last:$hosts_port:127.0.0.1" \
      "$work/$server-hosts-$n.log" "${cmd[@]}"; then
    log "hosts: $server did not answer within ${BENCH_SCALE_START_LIMIT:-180} s at N=$n: not measured"
    scale_record "$server" "$n" start_ms.failed 1
    return 0
  fi
  scale_record "$server" "$n" start_ms "$started_ms"
  sleep 1
  scale_record "$server" "$n" rss_start_mib "$(rss_mib)"
  local name size
  for name in "$(head -n 1 "$work/hosts-names-$n")" "$last"; do
    size=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $name" "http://127.0.0.1:$hosts_port/1k.bin")
    [ "$size" = "200 1024" ] || die "hosts: $server N=$n: Host $name answered '$size'"
  done
  local requests duration_us errors ticks spent=0 previous=0 rate
  while (( spent < warmup )); do
    read -r requests duration_us errors ticks < <(hosts_wrk 2 "$work/hosts-names-$n")
    spent=$((spent + 2))
    rate=$(( requests * 1000000 / (duration_us > 0 ? duration_us : 1) ))
    if (( previous > 0 && rate * 100 >= previous * 95 && rate * 100 <= previous * 105 )); then break; fi
    previous=$rate
  done
  local round which file
  for round in $(seq "$rounds"); do
    for which in one many; do
      file="$work/hosts-names-$n"
      [ "$which" = one ] && file="$work/hosts-one-$n"
      read -r requests duration_us errors ticks < <(hosts_wrk "$duration" "$file")
      scale_record "$server" "$n" "${which}_rps" "$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r * 1e6 / d }')"
      scale_record "$server" "$n" "${which}_us" "$(awk -v t="$ticks" -v r="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (r > 0 ? 1e6 * t / hz / r : 0) }')"
      scale_record "$server" "$n" "${which}.errors" "$errors"
    done
  done
  stop_server
}

# The row's flatness figure, finer than the table's (whose N are measured one after the other, by
# JVMs that differ by several percent from one start to the next): container with one host (A) and
# with the largest N (B), started together on the server core and warmed, then measured in turn
# A B B A with the Host header over all their hosts, so that drift falls on both alike; the pair is
# started anew every BENCH_HOSTS_PAIR_ROUNDS rounds, A first one time and B first the next.
# Records server container-ab at the largest N: a_us, b_us and ratio (B ÷ A) per round.
hosts_pairs() {
  local nb=${hosts_ns[-1]} pairs=${BENCH_HOSTS_PAIRS:-3} per=${BENCH_HOSTS_PAIR_ROUNDS:-4} pair round who
  (( nb > 1 )) || return 0
  $quick && pairs=${BENCH_HOSTS_PAIRS:-1} per=${BENCH_HOSTS_PAIR_ROUNDS:-3}
  local a_port=$((hosts_port + 2)) b_port=$((hosts_port + 3)) a_pid b_pid
  sed "s/port = $hosts_port/port = $a_port/; s#hosts-state-1#hosts-state-a#" "$work/hosts-1.conf" >"$work/hosts-a.conf"
  sed "s/port = $hosts_port/port = $b_port/; s#hosts-state-$nb#hosts-state-b#" "$work/hosts-$nb.conf" >"$work/hosts-b.conf"
  for pair in $(seq "$pairs"); do
    log "hosts: container N=1 and N=$nb together, pair $pair of $pairs ($per rounds of A B B A)"
    rm -rf "$work/hosts-state-a" "$work/hosts-state-b"
    for who in $( (( pair % 2 )) && echo a b || echo b a); do
      local port_of=$a_port last=h1.bench.test
      [ "$who" = b ] && port_of=$b_port last=$(tail -n 1 "$work/hosts-names-$nb")
      scale_start "container-hosts-$who" "http://$last:$port_of/1k.bin" "$last:$port_of:127.0.0.1" \
        "$work/container-hosts-$who.log" java -jar "$root/container/target/container.jar" run --config "$work/hosts-$who.conf" \
        || die "hosts: container ($who) did not answer"
      if [ "$who" = a ]; then a_pid=$server_pid; else b_pid=$server_pid; fi
    done
    local requests duration_us errors ticks spent previous rate
    for who in a b; do
      spent=0 previous=0
      server_pid=$a_pid; [ "$who" = b ] && server_pid=$b_pid
      while (( spent < warmup )); do
        if [ "$who" = a ]; then
          read -r requests duration_us errors ticks < <(hosts_wrk 2 "$work/hosts-names-1" "$a_port")
        else
          read -r requests duration_us errors ticks < <(hosts_wrk 2 "$work/hosts-names-$nb" "$b_port")
        fi
        spent=$((spent + 2))
        rate=$(( requests * 1000000 / (duration_us > 0 ? duration_us : 1) ))
        if (( previous > 0 && rate * 100 >= previous * 95 && rate * 100 <= previous * 105 )); then break; fi
        previous=$rate
      done
    done
    for round in $(seq "$per"); do
      local -A req=([a]=0 [b]=0) tick=([a]=0 [b]=0)
      for who in a b b a; do
        if [ "$who" = a ]; then
          server_pid=$a_pid; read -r requests duration_us errors ticks < <(hosts_wrk "$duration" "$work/hosts-names-1" "$a_port")
        else
          server_pid=$b_pid; read -r requests duration_us errors ticks < <(hosts_wrk "$duration" "$work/hosts-names-$nb" "$b_port")
        fi
        req[$who]=$((req[$who] + requests)) tick[$who]=$((tick[$who] + ticks))
        scale_record container-ab "$nb" "$who.errors" "$errors"
      done
      scale_record_pair "$nb" "${tick[a]}" "${req[a]}" "${tick[b]}" "${req[b]}"
    done
    server_pid=$b_pid; stop_server
    server_pid=$a_pid; stop_server
  done
}

bench_hosts() {
  scale_build
  hosts_port=$((port + 42))
  hosts_ns=(${BENCH_HOSTS_NS:-1 100 1000})
  scale_results="$work/hosts.tsv"
  : >"$scale_results"
  hosts_prepare
  local n server
  for n in "${hosts_ns[@]}"; do
    for server in container caddy; do
      if [ "$server" = caddy ] && { ! command -v caddy >/dev/null || [[ " ${BENCH_SERVERS:-caddy} " != *" caddy "* ]]; }; then continue; fi
      hosts_one "$server" "$n"
    done
  done
  [ "${BENCH_HOSTS_PAIRS:-}" = 0 ] || hosts_pairs
  scale_report hosts "${only:+BENCH_ONLY=hosts }scripts/bench${*:+ $*}"
}
