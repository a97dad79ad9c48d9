# Issue 17's static-tree row, sourced by scripts/bench: BENCH_ONLY=static scripts/bench [--quick] [--readme].
#
# A tree of 100,000 files of mixed small sizes (--quick: 10,000), made in the bench's /tmp work
# directory, served by container (and nginx, where selected, for reference: it keeps no file cache);
# every file is fetched once, in ten slices, with the RSS taken after each, then all of them a
# second time; the hot 1 KiB rate (wrk on one file) is measured before and after. Goal: RSS flat
# after every file was touched once (the caches stay within their byte budgets: StaticFiles'
# 32 MiB of file bytes and 16 MiB of ready responses, charged with each entry's own overhead)
# and the hot rate holds.
# Writes docs/bench/<date>-static.{md,tsv,png}; --readme replaces README.md's scale-static block.
# Uses from scripts/bench: log, die, record, rss_mib, stop_server, elapsed_ms, run_wrk, settle,
# the cpu pinning, $work, $port, $root, $quick, $readme, $servers, $connections, $duration, $warmup.

static_main() {
  local started=$EPOCHREALTIME files server active=()
  if $quick; then files=${BENCH_STATIC_FILES:-10000}; else files=${BENCH_STATIC_FILES:-100000}; fi
  command -v h2load >/dev/null || die "BENCH_ONLY=static: h2load is required (Debian package nghttp2-client)"
  for server in "${servers[@]}"; do
    case "$server" in
      container) active+=("$server") ;;
      nginx) command -v nginx >/dev/null && active+=("$server") ;;
    esac
  done
  [[ " ${active[*]} " == *" container "* ]] || die "BENCH_ONLY=static: container is not selected"
  static_tree "$files"
  log "static: servers ${active[*]}; $files files in $work/tree; $pinning"
  for server in "${active[@]}"; do static_round "$server" "$files"; done

  local name
  name="$(date +%F)-static"
  $quick && name="$name-quick"
  mkdir -p "$root/docs/bench"
  cp "$results" "$root/docs/bench/$name.tsv"
  local readme_args=()
  $readme && readme_args=(--readme "$root/README.md")
  python3 "$root/scripts/bench-scale/static_report.py" --results "$results" \
    --out "$root/docs/bench/$name.md" --chart "$root/docs/bench/$name.png" \
    --command "${only:+BENCH_ONLY=static }scripts/bench${*:+ $*}" --pinning "$pinning" --goals "$work/goals-static.tsv" \
    --settings "$files files ($(du -sh --apparent-size "$work/tree" | cut -f1) in all), fetched with h2load --h1 -c1 in 10 slices, then all again; hot: wrk -t1 -c$connections ${duration}s on /1k.bin after warming until stable (max ${warmup}s); port $port" \
    --versions "$(versions)" "${readme_args[@]}"
  log "static: done in $(( $(elapsed_ms "$started") / 1000 )) s"
  echo "report: $root/docs/bench/$name.md"
  echo "raw:    $root/docs/bench/$name.tsv"
  [ -f "$root/docs/bench/$name.png" ] && echo "chart:  $root/docs/bench/$name.png"
  return 0
}

# COUNT files under $work/tree in directories of 1,000: nine in ten of 100 B to 4 KiB, one in ten
# of 8 to 60 KiB (still under the 64 KiB a file may have to be cached), random bytes, and one in
# twenty empty instead (an entry whose body costs nothing must still count in a budget); the URL
# lists of the ten slices; and the hot 1 KiB file.
static_tree() {
  local count=$1
  python3 - "$work/tree" "$count" "http://127.0.0.1:$port" <<'EOF'
import os, random, sys
root, count, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(17)
noise = os.urandom(64 * 1024)
os.makedirs(root, exist_ok=True)
urls = []
for i in range(count):
    folder = os.path.join(root, f"d{i // 1000:03d}")
    if i % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    size = rng.randint(100, 4096) if i % 10 else rng.randint(8 * 1024, 60 * 1024)
    if i % 20 == 5:
        size = 0
    start = rng.randint(0, len(noise) - size)
    with open(os.path.join(folder, f"f{i:06d}.bin"), "wb") as f:
        f.write(noise[start:start + size])
    urls.append(f"{base}/d{i // 1000:03d}/f{i:06d}.bin")
rng.shuffle(urls)
per = (count + 9) // 10
for k in range(10):
    with open(os.path.join(os.path.dirname(root), f"slice{k + 1}.txt"), "w") as f:
        f.write("\n".join(urls[k * per:(k + 1) * per]) + "\n")
with open(os.path.join(root, "1k.bin"), "wb") as f:
    f.write(noise[:1024])
EOF
  chmod -R a+rX "$work/tree"
  cat "$work"/slice{1..10}.txt >"$work/all.txt"
  cat >"$work/static-nginx.conf" <<EOF
# Debian's nginx.conf as in the main rows, with one worker (the server has one core).
worker_processes 1;
pid $work/run/nginx-static.pid;
error_log $work/run/nginx-static-error.log;
events { worker_connections 768; }
http {
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path $work/run/nginx-body;
  proxy_temp_path $work/run/nginx-proxy;
  fastcgi_temp_path $work/run/nginx-fastcgi;
  uwsgi_temp_path $work/run/nginx-uwsgi;
  scgi_temp_path $work/run/nginx-scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/tree;
  }
}
EOF
}

static_start() {
  local server=$1 dir="$work/run/static-$1" t0 cmd
  mkdir -p "$dir"
  chmod 755 "$dir"
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then die "something already answers on port $port; set BENCH_PORT"; fi
  case "$server" in
    container)
      cmd=(java -jar "$root/container/target/container.jar" run --static "$work/tree" --listen "127.0.0.1:$port"
        --state "$dir" --metrics off) ;;
    nginx)
      cmd=(nginx -p "$dir" -c "$work/static-nginx.conf" -e "$dir/error.log" -g "daemon off;") ;;
  esac
  HOME="$dir" "${server_cpu[@]}" "${cmd[@]}" >"$dir.log" 2>&1 &
  server_pid=$!
  t0=$EPOCHREALTIME
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/1k.bin" 2>/dev/null)" = 200 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 20 "$dir.log" >&2
      server_pid=""
      die "static: $server exited before answering (log above)"
    fi
    (( $(elapsed_ms "$t0") < 60000 )) || die "static: $server did not answer within 60 s"
    sleep 0.1
  done
}

# Fetches every URL of LIST once, in order, on one keep-alive connection; prints "ok failed seconds".
static_sweep() {
  local list=$1 lines out t0
  lines=$(wc -l <"$list")
  t0=$EPOCHREALTIME
  out=$("${load_cpu[@]}" h2load --h1 -c1 -n "$lines" -i "$list" 2>&1 || true)
  # "status codes: 10000 2xx, 0 3xx, 0 4xx, 0 5xx"
  awk -v want="$lines" -v ms="$(elapsed_ms "$t0")" '/^status codes:/ { ok = $3 } END { printf "%d %d %.1f\n", ok, want - ok, ms / 1000 }' <<<"$out"
}

static_hot() {
  local round=$1 server=$2 when=$3 requests duration_us errors
  read -r requests _ duration_us errors _ < <(run_wrk "$duration" "$connections" "http://127.0.0.1:$port/1k.bin")
  record "$round" "$server" "hot_1k.$when" "$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r * 1e6 / d }')"
  record "$round" "$server" "hot_1k.$when.errors" "$errors"
}

static_round() {
  local server=$1 files=$2 k ok failed seconds touched=0 total_failed=0 total_seconds=0
  log "static: $server"
  static_start "$server"
  settle "http://127.0.0.1:$port/1k.bin" "$connections"
  static_hot 1 "$server" before
  sleep 1
  record 1 "$server" rss.0 "$(rss_mib)"
  for k in $(seq 10); do
    read -r ok failed seconds < <(static_sweep "$work/slice$k.txt")
    touched=$((touched + ok + failed))
    total_failed=$((total_failed + failed))
    total_seconds=$(awk -v a="$total_seconds" -v b="$seconds" 'BEGIN { print a + b }')
    record 1 "$server" "rss.$touched" "$(rss_mib)"
    log "  slice $k: $ok files in ${seconds}s, $failed failed; RSS $(rss_mib) MiB"
  done
  record 1 "$server" sweep1.failed "$total_failed"
  record 1 "$server" sweep1.rate "$(awk -v n="$touched" -v s="$total_seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
  read -r ok failed seconds < <(static_sweep "$work/all.txt")
  record 1 "$server" sweep2.failed "$failed"
  record 1 "$server" sweep2.rate "$(awk -v n="$ok" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
  record 1 "$server" rss.after_second_pass "$(rss_mib)"
  log "  second pass: $ok files in ${seconds}s, $failed failed; RSS $(rss_mib) MiB"
  static_hot 1 "$server" after
  record 1 "$server" rss.end "$(rss_mib)"
  stop_server
}
