# Shared by the submit/ scripts: project paths, JVM flags and BLAS tuning.
OVERPARAM_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OVERPARAM_JAR=$OVERPARAM_HOME/target/overparam.jar
OVERPARAM_VENV=${OVERPARAM_VENV:-$OVERPARAM_HOME/.venv}

# Spark on Java 17 needs these when spark-submit does not start the JVM.
OVERPARAM_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

# ND4J's arrays live outside the Java heap and are freed only once the garbage collector finds
# their Java objects unreachable; with a heap far from full that can take long enough for one
# sweep's process to fill the machine (a 220-run MLP sweep reached 24 GB and was killed by the
# kernel). JavaCPP collects garbage itself when its arrays pass maxbytes or the whole process
# passes maxphysicalbytes, so both are bounded relative to the heap (8g: 3g of arrays, 12g in
# all, where the same sweep then peaked at 12.4 GB). Prints the flags for a heap such as 8g or
# 4096m; nothing for a size it cannot read.
overparam_native_limits() {
  local heap=$1 mb
  case "$heap" in
    *[gG]) mb=$(( ${heap%[gG]} * 1024 )) ;;
    *[mM]) mb=${heap%[mM]} ;;
    *) return 0 ;;
  esac
  [[ "$mb" =~ ^[0-9]+$ ]] || return 0
  local arrays=$(( mb * 3 / 8 ))
  echo "-Dorg.bytedeco.javacpp.maxbytes=${arrays}m -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( mb + arrays + 1024 ))m"
}

# The OpenBLAS bundled with ND4J misreads recent CPUs as 'Prescott' (no AVX) and runs 2-7x slow.
# Name the core type the CPU really supports, unless the user already chose one.
overparam_blas_coretype() {
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then echo "$OPENBLAS_CORETYPE"; return; fi
  local flags; flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
  case " $flags " in
    *" avx512f "*" avx512bw "*|*" avx512bw "*" avx512f "*) echo SKYLAKEX ;;
    *" avx2 "*) echo HASWELL ;;
    *) echo "" ;;
  esac
}
coretype=$(overparam_blas_coretype)
if [ -n "$coretype" ]; then export OPENBLAS_CORETYPE=$coretype; fi
unset coretype

# The one way to build: the shaded jar and the class-path lists of Spark's jars and of the
# libraries the jar leaves to Spark (target/spark-classpath.txt, target/shared-classpath.txt), which
# embedded runs and the benchmark's probes use. Tests are compiled but not run.
overparam_build() {
  (cd "$OVERPARAM_HOME" && mvn -B -q -DskipTests package) >&2
}

# Builds if any of those is missing.
overparam_ensure_built() {
  if [ ! -f "$OVERPARAM_JAR" ] || [ ! -f "$OVERPARAM_HOME/target/spark-classpath.txt" ] || \
     [ ! -f "$OVERPARAM_HOME/target/shared-classpath.txt" ]; then
    overparam_build
  fi
}

# ---- Python environments ----------------------------------------------------------------------

# The one recipe for every Python environment of the project (.venv, .venv-airflow, .venv-mlflow,
# .venv-bench): DIR holds exactly the pinned set of REQUIREMENTS and is remade only when that file
# changes (a copy of it is kept as DIR/.requirements.txt). uv installs (the version pinned in
# requirements.txt; pip bootstraps it once into .venv): about 10 s where pip took minutes for
# Airflow. Bytecode is compiled at install, as pip does, so first imports stay fast.
#   overparam_venv DIR REQUIREMENTS WHO WHAT
overparam_venv() {
  local dir=$1 req=$2 who=$3 what=$4
  if [ -x "$dir/bin/python" ] && cmp -s "$req" "$dir/.requirements.txt"; then return 0; fi
  echo "$who: preparing $what in $dir" >&2
  local uv=$OVERPARAM_VENV/bin/uv
  if [ ! -x "$uv" ]; then
    [ -x "$OVERPARAM_VENV/bin/python" ] || python3 -m venv "$OVERPARAM_VENV"
    "$OVERPARAM_VENV/bin/python" -m pip install -q --disable-pip-version-check \
      "$(grep -m1 '^uv==' "$OVERPARAM_HOME/requirements.txt")"
  fi
  [ -x "$dir/bin/python" ] || "$uv" venv -q --python python3 "$dir"
  rm -f "$dir/.requirements.txt"
  UV_LINK_MODE=copy "$uv" pip install -q --compile-bytecode --python "$dir/bin/python" -r "$req"
  cp "$req" "$dir/.requirements.txt"
}

# ---- spark-submit (submit/spark-submit-*.sh) --------------------------------------------------

# The Spark distribution that runs the jar: $SPARK_HOME, else the one pyspark installs in the
# virtual environment (submit/setup), which ships bin/spark-submit, bin/spark-class and jars/.
overparam_spark_home() {
  if [ -n "${SPARK_HOME:-}" ]; then
    if [ ! -x "$SPARK_HOME/bin/spark-submit" ]; then
      echo "overparam: error: SPARK_HOME=$SPARK_HOME has no bin/spark-submit" >&2
      return 2
    fi
    echo "$SPARK_HOME"
    return
  fi
  local d=
  if [ -x "$OVERPARAM_VENV/bin/python" ]; then
    d=$("$OVERPARAM_VENV/bin/python" -c \
      'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null) || d=
  fi
  if [ -z "$d" ] || [ ! -x "$d/bin/spark-submit" ]; then
    echo "overparam: error: no Spark found: set SPARK_HOME or run submit/setup (it installs" \
      "pyspark, a full Spark distribution, into $OVERPARAM_VENV)" >&2
    return 2
  fi
  echo "$d"
}

# Runs the application jar under spark-submit; the submit/spark-submit-*.sh scripts call it.
#   overparam_submit MASTER EXECUTOR_LOG4J EXECUTOR_GPU_DISCOVERY [TARGET OPTIONS...] -- ARGS...
# EXECUTOR_LOG4J, EXECUTOR_GPU_DISCOVERY: paths of conf/log4j2.properties and
# conf/gpu-discovery.sh as the executors' machines see them. TARGET OPTIONS: the target's own
# spark-submit options. ARGS: the script's arguments, [SPARK-SUBMIT OPTIONS --] APPLICATION ARGS;
# spark-submit options the user gives come last, so they win over everything before them.
# Environment: OVERPARAM_SPARK_CONF, the properties file (default conf/spark-defaults.conf;
# conf/spark-defaults-gpu.conf requests GPUs); OVERPARAM_DEPLOY_MODE, client (default: the
# driver runs here) or cluster; OVERPARAM_APP_JAR, the jar's URL if not target/overparam.jar.
overparam_submit() {
  local master=$1 exec_log4j=$2 exec_discovery=$3
  shift 3
  local target=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do target+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  local user=() app=("$@") i
  for ((i = 0; i < ${#app[@]}; i++)); do
    if [ "${app[i]}" = "--" ]; then
      user=("${app[@]:0:i}")
      app=("${app[@]:i+1}")
      break
    fi
  done

  local spark_home props mode driver_log4j jar
  spark_home=$(overparam_spark_home) || exit 2
  export SPARK_HOME=$spark_home
  props=${OVERPARAM_SPARK_CONF:-$OVERPARAM_HOME/conf/spark-defaults.conf}
  if [ ! -f "$props" ]; then
    echo "overparam: error: OVERPARAM_SPARK_CONF=$props: no such file" >&2
    exit 2
  fi
  mode=${OVERPARAM_DEPLOY_MODE:-client}
  if [ "$mode" != client ] && [ "$mode" != cluster ]; then
    echo "overparam: error: OVERPARAM_DEPLOY_MODE=$mode: must be client or cluster" >&2
    exit 2
  fi
  driver_log4j=$OVERPARAM_HOME/conf/log4j2.properties
  [ "$mode" = cluster ] && driver_log4j=$exec_log4j
  jar=${OVERPARAM_APP_JAR:-}
  if [ -z "$jar" ]; then
    overparam_ensure_built
    jar=$OVERPARAM_JAR
  fi

  local opts=(
    --master "$master" --deploy-mode "$mode"
    --properties-file "$props"
    --class org.overparam.cli.Main
    # The project's log4j2 configuration for the driver and every executor; *.defaultJavaOptions
    # go before the extraJavaOptions that the properties file or the user may set.
    --conf "spark.driver.defaultJavaOptions=-Dlog4j2.configurationFile=$driver_log4j"
    --conf "spark.executor.defaultJavaOptions=-Dlog4j2.configurationFile=$exec_log4j"
  )
  # BLAS kernels: the core type found on this machine (or chosen by the user) goes to executors;
  # where the nodes' CPUs differ from this one's, set OPENBLAS_CORETYPE (HASWELL: any AVX2 CPU).
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    opts+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  fi
  # GPUs: executors that find their own (YARN, Kubernetes) run the discovery script; standalone
  # executors get theirs from the worker.
  if grep -Eq '^[[:space:]]*spark\.executor\.resource\.gpu\.amount' "$props"; then
    opts+=(--conf "spark.executor.resource.gpu.discoveryScript=$exec_discovery")
  fi
  exec "$spark_home/bin/spark-submit" "${opts[@]}" "${target[@]}" "${user[@]}" "$jar" "${app[@]}"
}
