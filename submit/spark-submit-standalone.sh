#!/usr/bin/env bash
# overparam on a Spark standalone cluster.
#   OVERPARAM_MASTER=spark://HOST:7077 submit/spark-submit-standalone.sh \
#     [SPARK-SUBMIT OPTIONS --] train EXPERIMENT.yaml [--results DIR]
# Environment: OVERPARAM_MASTER (required, spark://host:port[,host2:port2]); SPARK_HOME
# (default: the venv's pyspark); OVERPARAM_SPARK_CONF (default conf/spark-defaults.conf,
# conf/spark-defaults-gpu.conf for GPUs); OVERPARAM_EXECUTOR_HOME, where this project lies on the
# workers (default: the same path as here; executors read its conf/log4j2.properties).
# The driver runs here and alone writes the results root; executors need the data
# (dataset.path) at the same path. GPU workers discover their own GPUs: start them with
# spark.worker.resource.gpu.* set (see conf/spark-defaults-gpu.conf).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
case "${OVERPARAM_MASTER:-}" in
  spark://*) ;;
  *) echo "overparam: error: set OVERPARAM_MASTER to the standalone master, spark://host:7077" >&2
     exit 2 ;;
esac
exec_home=${OVERPARAM_EXECUTOR_HOME:-$OVERPARAM_HOME}
overparam_submit "$OVERPARAM_MASTER" \
  "$exec_home/conf/log4j2.properties" "$exec_home/conf/gpu-discovery.sh" -- "$@"
