# Shared by the submit/ scripts: project paths, JVM flags and BLAS tuning.
OVERPARAM_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OVERPARAM_JAR=$OVERPARAM_HOME/target/overparam.jar
OVERPARAM_VENV=${OVERPARAM_VENV:-$OVERPARAM_HOME/.venv}

# Spark on Java 17 needs these when spark-submit does not start the JVM.
OVERPARAM_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"

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

# Builds the jar (and the list of Spark's jars for embedded runs) if missing.
overparam_ensure_built() {
  if [ ! -f "$OVERPARAM_JAR" ] || [ ! -f "$OVERPARAM_HOME/target/spark-classpath.txt" ]; then
    (cd "$OVERPARAM_HOME" && mvn -B -q -DskipTests package) >&2
  fi
}
