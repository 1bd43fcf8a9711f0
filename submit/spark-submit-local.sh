#!/usr/bin/env bash
# overparam under spark-submit on this machine (Spark's local scheduler, one JVM).
#   submit/spark-submit-local.sh [SPARK-SUBMIT OPTIONS --] train EXPERIMENT.yaml [--results DIR]
# Environment: OVERPARAM_MASTER (default local[*]); SPARK_HOME (default: the pyspark that
# submit/setup installs in .venv); OVERPARAM_SPARK_CONF (default conf/spark-defaults.conf).
# Example: submit/spark-submit-local.sh --driver-memory 8g -- train conf/experiments/x.yaml
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
overparam_submit "${OVERPARAM_MASTER:-local[*]}" \
  "$OVERPARAM_HOME/conf/log4j2.properties" "$OVERPARAM_HOME/conf/gpu-discovery.sh" -- "$@"
