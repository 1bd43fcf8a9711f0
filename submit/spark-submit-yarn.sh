#!/usr/bin/env bash
# overparam on Hadoop YARN.
#   HADOOP_CONF_DIR=/etc/hadoop/conf submit/spark-submit-yarn.sh \
#     [SPARK-SUBMIT OPTIONS --] train EXPERIMENT.yaml [--results DIR]
# Environment: HADOOP_CONF_DIR or YARN_CONF_DIR (required: the cluster's client configuration);
# SPARK_HOME (default: the venv's pyspark); OVERPARAM_SPARK_CONF (default
# conf/spark-defaults.conf); OVERPARAM_DEPLOY_MODE (client, the default: the driver runs here and
# writes the results root; cluster: give a results root on HDFS and an experiment file the
# application master can read); OVERPARAM_GPU_DISCOVERY, where conf/gpu-discovery.sh lies on
# every NodeManager (default: the same path as here; only with conf/spark-defaults-gpu.conf).
# conf/log4j2.properties travels with the application (--files); if you pass your own --files,
# list it there too. Executors need the data (dataset.path) on every node.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
if [ -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]; then
  echo "overparam: error: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's configuration" >&2
  exit 2
fi
target=(--files "$OVERPARAM_HOME/conf/log4j2.properties#overparam-log4j2.properties")
if [ "${OVERPARAM_DEPLOY_MODE:-client}" = cluster ] && [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  target+=(--conf "spark.yarn.appMasterEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
fi
# Files given with --files land in each container's working folder under their alias.
overparam_submit yarn overparam-log4j2.properties \
  "${OVERPARAM_GPU_DISCOVERY:-$OVERPARAM_HOME/conf/gpu-discovery.sh}" "${target[@]}" -- "$@"
