# BENCH_ONLY=certs (issue 17): cost against the number of SNI names, each with its own certificate
# file (ECDSA P-256, self-signed, made here by CertGen.java): start-up to the first 200 over TLS,
# RSS after start and after a handshake for every name, and server CPU per full TLS 1.3 handshake
# (handshakes.py: a new connection and session each, the SNI name rotating over all N), for
# container and Caddy (one site block per name with `tls cert key`). Sourced by scripts/bench,
# whose helpers (log, die, cpu_ticks, rss_mib, elapsed_ms, stop_server, server_cpu, load_cpu) it uses.
# Writes docs/bench/<date>-certs.{md,tsv,png}; --readme replaces the scale-certs block of README.md.
# Then the handshake figure: certs_pairs (N = 1 and the largest N together, interleaved);
# BENCH_CERTS_NS, BENCH_CERTS_PAIRS (pairs started; 0: none), BENCH_CERTS_PAIR_ROUNDS (A B B A
# rounds per pair), BENCH_CERTS_PAIRS_ONLY=1 (no table), BENCH_SERVERS without caddy: container alone.

scale_dir="$root/scripts/bench-scale"

# The figures of one scaling row: server, N, metric, value (one line per sample).
scale_record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$scale_results"; }

# One A B B A round of an interleaved pair at N: server CPU per operation of A and of B (µs, from
# their clock ticks and operation counts) and B ÷ A, as server container-ab.
#   scale_record_pair N TICKS_A COUNT_A TICKS_B COUNT_B
scale_record_pair() {
  local hz a_us b_us
  hz=$(getconf CLK_TCK)
  a_us=$(awk -v t="$2" -v c="$3" -v hz="$hz" 'BEGIN { printf "%.3f", 1e6 * t / hz / c }')
  b_us=$(awk -v t="$4" -v c="$5" -v hz="$hz" 'BEGIN { printf "%.3f", 1e6 * t / hz / c }')
  scale_record container-ab "$1" a_us "$a_us"
  scale_record container-ab "$1" b_us "$b_us"
  scale_record container-ab "$1" ratio "$(awk -v a="$a_us" -v b="$b_us" 'BEGIN { printf "%.4f", b / a }')"
}

# Starts a server (the command in the remaining arguments) pinned to the server core, waits for the
# first 200 of URL (curl on the load core, --resolve NAME to 127.0.0.1); sets server_pid and started_ms.
scale_start() {
  local name=$1 url=$2 resolve=$3 log=$4
  shift 4
  local t0=$EPOCHREALTIME
  HOME="$work/home-$name" XDG_DATA_HOME="$work/home-$name" XDG_CONFIG_HOME="$work/home-$name" \
    "${server_cpu[@]}" "$@" >"$log" 2>&1 &
  server_pid=$!
  until [ "$("${load_cpu[@]}" curl -sk -o /dev/null -w '%{http_code}' --resolve "$resolve" "$url" 2>/dev/null)" = 200 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 20 "$log" >&2
      server_pid=""
      die "$name exited before answering $url (log above)"
    fi
    if (( $(elapsed_ms "$t0") > ${BENCH_SCALE_START_LIMIT:-180} * 1000 )); then
      stop_server
      return 1
    fi
    sleep 0.02
  done
  started_ms=$(elapsed_ms "$t0")
}

# Runs handshakes.py on the load core with the given arguments; prints "handshakes failures ticks wall_us".
certs_handshakes() {
  local before after t0 out
  before=$(cpu_ticks)
  t0=$EPOCHREALTIME
  out=$("${load_cpu[@]}" python3 "$scale_dir/handshakes.py" "$certs_port" "$@")
  after=$(cpu_ticks)
  local n f
  n=$(sed -n 's/.*handshakes=\([0-9]*\).*/\1/p' <<<"$out")
  f=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' <<<"$out")
  echo "${n:-0} ${f:-1} $((after - before)) $(( $(elapsed_ms "$t0") * 1000 ))"
}

# Server CPU microseconds per handshake from ticks and a count.
per_handshake_us() {
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (n > 0 ? 1e6 * t / hz / n : 0) }'
}

# Writes the certificates, the name lists, and for each N container's config and Caddy's Caddyfile.
certs_prepare() {
  local max=${certs_ns[-1]} n i
  log "certs: making $max certificates (CertGen.java)"
  "${load_cpu[@]}" java -cp "$root/container/target/container.jar" "$scale_dir/CertGen.java" "$work/certs" "$max"
  mkdir -p "$work/certs-site"
  echo ok >"$work/certs-site/index.txt"
  chmod -R a+rX "$work"
  for n in "${certs_ns[@]}"; do
    seq 1 "$n" | sed 's/.*/h&.bench.test/' >"$work/names-$n"
    {
      echo "listeners = [{ host = \"127.0.0.1\", port = $certs_port, tls = true }]"
      echo "state-dir = \"$work/certs-state-$n\""
      echo "static = [{ dir = \"$work/certs-site\" }]"
      echo "certificates = ["
      awk -v d="$work/certs" '{ printf "  { cert = \"%s/%s.crt\", key = \"%s/%s.key\" }\n", d, $1, d, $1 }' "$work/names-$n"
      echo "]"
    } >"$work/certs-$n.conf"
    {
      printf '{\n  admin off\n  auto_https disable_redirects\n  http_port %s\n  storage file_system %s/caddy-storage-%s\n}\n' \
        "$((certs_port + 1))" "$work" "$n"
      awk -v d="$work/certs" -v p="$certs_port" '{ printf "https://%s:%s {\n  tls %s/%s.crt %s/%s.key\n  respond /index.txt \"ok\" 200\n}\n", $1, p, d, $1, d, $1 }' "$work/names-$n"
    } >"$work/Caddyfile-$n"
  done
}

# Handshakes against the server of $certs_port over the names in file NAMES until two 2-second passes
# agree within 5% on server CPU per handshake (the JIT has compiled the path), at most warmup/2 + 1.
certs_warm() {
  local names=$1 count failures ticks wall us passes=0 previous=0
  while (( passes < warmup / 2 + 1 )); do
    read -r count failures ticks wall < <(certs_handshakes "$names" --seconds 2 --seed "$((100 + passes))")
    us=$(per_handshake_us "$ticks" "$count")
    passes=$((passes + 1))
    if (( previous > 0 && us * 100 >= previous * 95 && us * 100 <= previous * 105 )); then break; fi
    previous=$us
  done
}

# One server at one N: start-up, RSS, the first handshake of every name (the keys' first use),
# then full handshakes over all names in random order until two passes agree, then the measured passes.
certs_one() {
  local server=$1 n=$2 url="https://h1.bench.test:$certs_port/index.txt" resolve="h1.bench.test:$certs_port:127.0.0.1"
  local -a cmd
  if [ "$server" = container ]; then
    cmd=(java -jar "$root/container/target/container.jar" run --config "$work/certs-$n.conf")
  else
    cmd=(caddy run --config "$work/Caddyfile-$n" --adapter caddyfile)
  fi
  rm -rf "$work/certs-state-$n" "$work/caddy-storage-$n"
  log "certs: $server, N=$n"
  if ! scale_start "$server-$n" "$url" "$resolve" "$work/$server-certs-$n.log" "${cmd[@]}"; then
    log "certs: $server did not answer within ${BENCH_SCALE_START_LIMIT:-180} s at N=$n: not measured"
    scale_record "$server" "$n" start_ms.failed 1
    return 0
  fi
  scale_record "$server" "$n" start_ms "$started_ms"
  # container's own "ready in" (from its main() on; the rest of start_ms is the JVM's start and the first handshake)
  local ready
  ready=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$work/$server-certs-$n.log" | head -n 1)
  [ -n "$ready" ] && scale_record "$server" "$n" ready_ms "$ready"
  sleep 1
  scale_record "$server" "$n" rss_start_mib "$(rss_mib)"
  local count failures ticks wall
  read -r count failures ticks wall < <(certs_handshakes "$work/names-$n" --count "$n" --in-order)
  scale_record "$server" "$n" first_handshake_us "$(per_handshake_us "$ticks" "$count")"
  scale_record "$server" "$n" first_handshake.failures "$failures"
  certs_warm "$work/names-$n"
  local round
  for round in $(seq "$rounds"); do
    read -r count failures ticks wall < <(certs_handshakes "$work/names-$n" --seconds "$duration" --seed "$round")
    scale_record "$server" "$n" handshake_us "$(per_handshake_us "$ticks" "$count")"
    scale_record "$server" "$n" handshakes_per_s "$(awk -v c="$count" -v w="$wall" 'BEGIN { printf "%.0f", c * 1e6 / w }')"
    scale_record "$server" "$n" handshake.failures "$failures"
  done
  scale_record "$server" "$n" rss_after_mib "$(rss_mib)"
  stop_server
}

# The row's handshake figure, finer than the table's (its N are measured one after the other, by JVMs
# whose handshake cost differs by about ±10% from one start to the next): container with one name
# (A) and with the largest N (B) started together on the server core, B's every name's first
# handshake done and both warmed, then measured in turn A B B A (handshakes.py, B's names in a new
# random order each pass), so that drift falls on both alike; the pair is started anew every
# BENCH_CERTS_PAIR_ROUNDS rounds, A first one time and B first the next. Records server
# container-ab at the largest N: a_us, b_us and ratio (B ÷ A) per round.
certs_pairs() {
  local nb=${certs_ns[-1]} pairs=${BENCH_CERTS_PAIRS:-3} per=${BENCH_CERTS_PAIR_ROUNDS:-4} pair round who
  (( nb > 1 )) || return 0
  $quick && pairs=${BENCH_CERTS_PAIRS:-1} per=${BENCH_CERTS_PAIR_ROUNDS:-3}
  local a_port=$((certs_port + 2)) b_port=$((certs_port + 3)) a_pid b_pid saved_port=$certs_port
  sed "s/port = $certs_port,/port = $a_port,/; s#certs-state-1\"#certs-state-a\"#" "$work/certs-1.conf" >"$work/certs-a.conf"
  sed "s/port = $certs_port,/port = $b_port,/; s#certs-state-$nb\"#certs-state-b\"#" "$work/certs-$nb.conf" >"$work/certs-b.conf"
  local count failures ticks wall names
  for pair in $(seq "$pairs"); do
    log "certs: container N=1 and N=$nb together, pair $pair of $pairs ($per rounds of A B B A)"
    rm -rf "$work/certs-state-a" "$work/certs-state-b"
    for who in $( (( pair % 2 )) && echo a b || echo b a); do
      local at=$a_port
      [ "$who" = b ] && at=$b_port
      scale_start "container-certs-$who" "https://h1.bench.test:$at/index.txt" "h1.bench.test:$at:127.0.0.1" \
        "$work/container-certs-$who.log" java -jar "$root/container/target/container.jar" run --config "$work/certs-$who.conf" \
        || die "certs: container ($who) did not answer"
      if [ "$who" = a ]; then a_pid=$server_pid; else b_pid=$server_pid; fi
    done
    certs_port=$b_port
    certs_handshakes "$work/names-$nb" --count "$nb" --in-order >/dev/null
    for who in a b; do
      server_pid=$a_pid certs_port=$a_port names="$work/names-1"
      [ "$who" = b ] && server_pid=$b_pid certs_port=$b_port names="$work/names-$nb"
      certs_warm "$names"
    done
    for round in $(seq "$per"); do
      local -A done_=([a]=0 [b]=0) tick=([a]=0 [b]=0)
      local seed=$((pair * 1000 + round * 10))
      for who in a b b a; do
        seed=$((seed + 1))
        server_pid=$a_pid certs_port=$a_port names="$work/names-1"
        [ "$who" = b ] && server_pid=$b_pid certs_port=$b_port names="$work/names-$nb"
        read -r count failures ticks wall < <(certs_handshakes "$names" --seconds "$duration" --seed "$seed")
        done_[$who]=$((done_[$who] + count)) tick[$who]=$((tick[$who] + ticks))
        scale_record container-ab "$nb" "$who.failures" "$failures"
      done
      scale_record_pair "$nb" "${tick[a]}" "${done_[a]}" "${tick[b]}" "${done_[b]}"
    done
    server_pid=$b_pid; stop_server
    server_pid=$a_pid; stop_server
  done
  certs_port=$saved_port
}

# The container jar, built (that module alone) when missing or older than its sources.
scale_build() {
  local jar="$root/container/target/container.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/container/pom.xml" "$root/container/src/main" -newer "$jar" -type f -print -quit)" ]; then
    log "building container (./mvnw -pl container package)"
    (cd "$root" && ./mvnw -B -q -pl container -DskipTests package) >&2
    touch "$jar"
  fi
}

bench_certs() {
  scale_build
  certs_port=$((port + 40))
  if $quick; then certs_ns=(${BENCH_CERTS_NS:-1 300 1000}); else certs_ns=(${BENCH_CERTS_NS:-1 1000 10000}); fi
  scale_results="$work/certs.tsv"
  : >"$scale_results"
  command -v python3 >/dev/null || die "python3 is required for BENCH_ONLY=certs"
  certs_prepare
  local n server
  # BENCH_CERTS_PAIRS_ONLY=1: the interleaved pair alone (the table's N = 10,000 costs minutes)
  [ "${BENCH_CERTS_PAIRS_ONLY:-0}" = 1 ] && certs_ns=("${certs_ns[0]}" "${certs_ns[-1]}") || true
  for n in "${certs_ns[@]}"; do
    [ "${BENCH_CERTS_PAIRS_ONLY:-0}" = 1 ] && break
    for server in container caddy; do
      if [ "$server" = caddy ] && { ! command -v caddy >/dev/null || [[ " ${BENCH_SERVERS:-caddy} " != *" caddy "* ]]; }; then continue; fi
      certs_one "$server" "$n"
    done
  done
  [ "${BENCH_CERTS_PAIRS:-}" = 0 ] || certs_pairs
  scale_report certs "${only:+BENCH_ONLY=certs }scripts/bench${*:+ $*}"
}

# Copies the raw samples beside the report, writes the report (and the README block with --readme).
scale_report() {
  local row=$1 command=$2 name
  name="$(date +%F)-$row"
  $quick && name="$name-quick"
  mkdir -p "$root/docs/bench"
  cp "$scale_results" "$root/docs/bench/$name.tsv"
  local readme_args=()
  $readme && readme_args=(--readme "$root/README.md")
  python3 "$scale_dir/${row}_report.py" --results "$scale_results" --out "$root/docs/bench/$name.md" \
    --chart "$root/docs/bench/$name.png" --command "$command" --pinning "$pinning" \
    --settings "rounds=$rounds duration=${duration}s warmup=until two passes agree within 5% (max ${warmup}s)" \
    --versions "$(scale_versions)" --goals "$work/goals-$row.tsv" "${readme_args[@]}"
  echo "report: $root/docs/bench/$name.md"
}

scale_versions() {
  printf 'container %s' "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  command -v caddy >/dev/null && printf ', Caddy %s' "$(caddy version | awk '{ print $1 }')"
  printf ', %s, Python %s' "$(java -version 2>&1 | awk 'NR == 1 { print $1, $3 }' | tr -d '"')" "$(python3 -c 'import platform; print(platform.python_version())')"
  command -v wrk >/dev/null && printf ', wrk %s' "$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
  return 0
}
