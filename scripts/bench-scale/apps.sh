# The apps scaling row of scripts/bench (issue 17): BENCH_ONLY=apps scripts/bench [--quick] [--readme].
# Sourced by scripts/bench, whose helpers it uses (log, die, elapsed_ms, rss_mib, cpu_ticks,
# stop_server, server_cpu, load_cpu, work, port, root, quick, readme).
#
# For N = 1, 10, 50 generated WARs (--quick: 1 and 5), each a small servlet, a JSP and a Spring MVC
# app (spring-webmvc 6.2 and the jars it brings in WEB-INF/lib, started by Spring's own
# ServletContainerInitializer: a WebApplicationInitializer registers a DispatcherServlet with an
# @EnableWebMvc configuration and one @RestController, loaded on start-up), it starts container
# (java -jar container.jar run --war ... --metrics off) and a stock Tomcat 10.1 distribution from
# Maven Central with the same WARs in an otherwise empty webapps/ (bin/catalina.sh run, so plain
# java with Tomcat's own flags), both pinned to the server core, and records:
#   ready_ms        launch to the moment every app has answered 200 on its Spring MVC path
#                   (polled from the load core: the last app first, then each of the others)
#   cpu_start_ms    the server's user + system CPU up to then (/proc/PID/stat)
#   rss_start_mib   its resident memory then
#   rss_round_mib   its resident memory after one round of requests to every app: the servlet,
#                   the Spring MVC controller and the JSP (compiled on that first request)
# Writes docs/bench/<date>-apps.{md,tsv,png} through scripts/bench-scale/apps_report.py.

# N for a full run and for --quick; overridable as BENCH_APPS_COUNTS="1 10 50".
apps_counts() {
  if [ -n "${BENCH_APPS_COUNTS:-}" ]; then echo "$BENCH_APPS_COUNTS"; elif $quick; then echo "1 5"; else echo "1 10 50"; fi
}

# Starts of each (N, server) pair (one: a full run stays within the build lock's ~10 minutes); the report
# takes the median of several. Overridable as BENCH_APPS_ROUNDS.
apps_rounds() {
  if [ -n "${BENCH_APPS_ROUNDS:-}" ]; then echo "$BENCH_APPS_ROUNDS"; else echo 1; fi
}

apps_tsv() { echo "$work/apps.tsv"; }
apps_record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$(apps_tsv)"; }

# The jars from Maven Central (versions pinned in the root pom): Spring MVC's for WEB-INF/lib, the
# Servlet API to compile against, and Tomcat's distribution, unpacked into $work/tomcat.
apps_fetch() {
  local deps="$work/apps-deps" pom="$root/scripts/bench-scale/apps/pom.xml"
  log "apps: fetching spring-webmvc's jars and the Tomcat distribution (./mvnw dependency:copy-dependencies)"
  (cd "$root" && { ./mvnw -B -q -o -f "$pom" dependency:copy-dependencies -DoutputDirectory="$deps" 2>/dev/null \
    || ./mvnw -B -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$deps"; }) >&2 \
    || die "apps: could not resolve the jars of $pom"
  mkdir -p "$work/apps-lib" "$work/tomcat"
  local jar
  for jar in "$deps"/*.jar; do
    case "${jar##*/}" in jakarta.servlet-api-*) ;; *) cp "$jar" "$work/apps-lib/" ;; esac
  done
  tar -xzf "$deps"/tomcat-*.tar.gz -C "$work/tomcat" --strip-components=1
  tomcat_version=$(basename "$deps"/tomcat-*.tar.gz .tar.gz)
  tomcat_version=${tomcat_version#tomcat-}
}

# The generator: compiles the app's classes once and writes N WARs of it, app-001.war ... into DIR.
apps_generate() {
  local n=$1 dir=$2 src="$work/apps-src" i
  if [ ! -f "$work/app.war" ]; then
    mkdir -p "$src/bench" "$src/war/WEB-INF/classes" "$src/war/WEB-INF/lib"
    cat >"$src/bench/Hello.java" <<'JAVA'
package bench;

/** The plain servlet; it names a Spring class, so the app's jars are on its class path for real. */
@jakarta.servlet.annotation.WebServlet("/hello")
public class Hello extends jakarta.servlet.http.HttpServlet {
    @Override
    protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
            throws java.io.IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print("hello from " + req.getContextPath() + ", Spring "
                + org.springframework.core.SpringVersion.getVersion());
    }
}
JAVA
    cat >"$src/bench/MvcInit.java" <<'JAVA'
package bench;

/** Found by Spring's ServletContainerInitializer (@HandlesTypes): the DispatcherServlet, started with the app. */
public class MvcInit implements org.springframework.web.WebApplicationInitializer {
    @Override
    public void onStartup(jakarta.servlet.ServletContext context) {
        var spring = new org.springframework.web.context.support.AnnotationConfigWebApplicationContext();
        spring.register(MvcConfig.class);
        var mvc = context.addServlet("mvc", new org.springframework.web.servlet.DispatcherServlet(spring));
        mvc.setLoadOnStartup(1);
        mvc.addMapping("/mvc/*");
    }
}
JAVA
    cat >"$src/bench/MvcConfig.java" <<'JAVA'
package bench;

@org.springframework.context.annotation.Configuration
@org.springframework.web.servlet.config.annotation.EnableWebMvc
@org.springframework.context.annotation.Import(HelloController.class)
public class MvcConfig {
}
JAVA
    cat >"$src/bench/HelloController.java" <<'JAVA'
package bench;

@org.springframework.web.bind.annotation.RestController
public class HelloController {
    @org.springframework.web.bind.annotation.GetMapping(value = "/hello", produces = "text/plain")
    public String hello() {
        return "hello from Spring MVC";
    }
}
JAVA
    cat >"$src/war/index.jsp" <<'JSP'
<%@ page contentType="text/plain" %>jsp in <%= application.getContextPath() %>: ${2 * 21}
JSP
    javac -q -nowarn -d "$src/war/WEB-INF/classes" \
      -cp "$(find "$work/apps-deps" -name '*.jar' | tr '\n' ':')" "$src"/bench/*.java 2>/dev/null \
      || javac -nowarn -d "$src/war/WEB-INF/classes" \
        -cp "$(find "$work/apps-deps" -name '*.jar' | tr '\n' ':')" "$src"/bench/*.java >&2 \
      || die "apps: the generated app does not compile"
    cp "$work/apps-lib"/*.jar "$src/war/WEB-INF/lib/"
    (cd "$src/war" && jar --create --file "$work/app.war" .)
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  for i in $(seq -f '%03g' 1 "$n"); do cp "$work/app.war" "$dir/app-$i.war"; done
}

# Sets cmd (and the environment Tomcat needs) for SERVER with N apps from WARS, in the fresh DIR.
apps_command() {
  local server=$1 wars=$2 dir=$3 war
  case "$server" in
    container)
      cmd=(java -jar "$root/container/target/container.jar" run --listen "127.0.0.1:$port" --state "$dir/state"
        --metrics off)
      for war in "$wars"/*.war; do cmd+=(--war "$war"); done ;;
    tomcat)
      # A CATALINA_BASE of its own: the distribution's conf (its port and shutdown port changed, nothing
      # else), an empty webapps/ (no ROOT, docs, examples, manager) with the WARs.
      mkdir -p "$dir/base/logs" "$dir/base/temp" "$dir/base/work" "$dir/base/webapps"
      cp -r "$work/tomcat/conf" "$dir/base/"
      sed -i -e "s/port=\"8080\"/port=\"$port\" address=\"127.0.0.1\"/" -e 's/port="8005"/port="-1"/' \
        "$dir/base/conf/server.xml"
      cp "$wars"/*.war "$dir/base/webapps/"
      cmd=(env CATALINA_HOME="$work/tomcat" CATALINA_BASE="$dir/base" CATALINA_PID="" "$work/tomcat/bin/catalina.sh" run) ;;
  esac
}

# Polls URL from the load core until it answers 200; dies after 180 s or when the server exits.
apps_await() {
  local url=$1 t0=$2 name=$3
  until [ "$("${load_cpu[@]}" curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 30 "$dir.log" >&2
      server_pid=""
      die "apps: $name exited before answering $url (log above)"
    fi
    if (( $(elapsed_ms "$t0") > 180000 )); then die "apps: $name did not answer $url within 180 s"; fi
    sleep 0.02
  done
}

# One start of SERVER with N apps: records ready_ms, cpu_start_ms, rss_start_mib, rss_round_mib.
apps_round() {
  local server=$1 n=$2 round=$3 wars="$work/apps-wars"
  local dir="$work/run/apps-$server-$n-$round" i url t0 ready hz failures=0 code path
  mkdir -p "$dir"
  if curl -s -o /dev/null "$base_url/" 2>/dev/null; then die "something already answers on $base_url; set BENCH_PORT"; fi
  local -a cmd
  apps_command "$server" "$wars" "$dir"
  t0=$EPOCHREALTIME
  "${server_cpu[@]}" "${cmd[@]}" >"$dir.log" 2>&1 &
  server_pid=$!
  apps_await "$base_url/app-$(printf '%03d' "$n")/mvc/hello" "$t0" "$server"
  for i in $(seq -f '%03g' 1 "$n"); do apps_await "$base_url/app-$i/mvc/hello" "$t0" "$server"; done
  ready=$(elapsed_ms "$t0")
  hz=$(getconf CLK_TCK)
  apps_record "$n" "$server" "$round" ready_ms "$ready"
  apps_record "$n" "$server" "$round" cpu_start_ms "$(( $(cpu_ticks) * 1000 / hz ))"
  apps_record "$n" "$server" "$round" rss_start_mib "$(rss_mib)"
  for i in $(seq -f '%03g' 1 "$n"); do
    for path in hello mvc/hello index.jsp; do
      code=$("${load_cpu[@]}" curl -s -o /dev/null -w '%{http_code}' "$base_url/app-$i/$path")
      [ "$code" = 200 ] || { failures=$((failures + 1)); log "apps: $server /app-$i/$path answered $code"; }
    done
  done
  sleep 1
  apps_record "$n" "$server" "$round" rss_round_mib "$(rss_mib)"
  apps_record "$n" "$server" "$round" round_failures "$failures"
  log "apps: $server N=$n: every app answering after $ready ms, $(rss_mib) MiB after a round ($failures non-200)"
  stop_server
}

# The whole row: fetch, then for each N the WARs and every server in turn, each round; the report.
bench_apps() {
  local started=$EPOCHREALTIME n round server
  : >"$(apps_tsv)"
  mkdir -p "$work/run"
  apps_fetch
  log "apps: N = $(apps_counts); $(apps_rounds) start(s) each; container and Tomcat $tomcat_version; $pinning"
  for n in $(apps_counts); do
    apps_generate "$n" "$work/apps-wars"
    for round in $(seq "$(apps_rounds)"); do
      # alternate which server goes first, so drift of the machine falls on both
      if (( round % 2 )); then set -- container tomcat; else set -- tomcat container; fi
      for server in "$@"; do apps_round "$server" "$n" "$round"; done
    done
  done
  local date name readme_args=() cmdline="${only:+BENCH_ONLY=apps }scripts/bench"
  $quick && cmdline+=" --quick"
  $readme && cmdline+=" --readme"
  date=$(date +%F)
  name="$date-apps"
  $quick && name="$name-quick"
  mkdir -p "$root/docs/bench"
  cp "$(apps_tsv)" "$root/docs/bench/$name.tsv"
  $readme && readme_args=(--readme "$root/README.md")
  python3 "$root/scripts/bench-scale/apps_report.py" --results "$(apps_tsv)" \
    --out "$root/docs/bench/$name.md" --chart "$root/docs/bench/$name.png" \
    --command "$cmdline" --pinning "$pinning" --goals "$work/goals-apps.tsv" \
    --versions "container $(git -C "$root" rev-parse --short HEAD), Tomcat $tomcat_version, Spring $(basename "$work"/apps-deps/spring-webmvc-*.jar .jar | sed 's/spring-webmvc-//'), $(java -version 2>&1 | head -1)" \
    "${readme_args[@]}"
  log "apps: done in $(( $(elapsed_ms "$started") / 1000 )) s"
  echo "report: $root/docs/bench/$name.md"
  echo "raw:    $root/docs/bench/$name.tsv"
  [ -f "$root/docs/bench/$name.png" ] && echo "chart:  $root/docs/bench/$name.png"
  return 0
}
