#!/usr/bin/env bash
# overparam on Hadoop YARN.
#   HADOOP_CONF_DIR=/etc/hadoop/conf submit/spark-submit-yarn.sh \
#     [SPARK-SUBMIT OPTIONS --] train EXPERIMENT.yaml [--results DIR]
# Environment: HADOOP_CONF_DIR or YARN_CONF_DIR (required: the cluster's client configuration);
# SPARK_HOME (default: the venv's pyspark); OVERPARAM_SPARK_CONF (default
# conf/spark-defaults.conf); OVERPARAM_DEPLOY_MODE (client, the default: the driver runs here and
# writes the results root; cluster: the driver runs in the application master, so give a results
# root on HDFS or another shared file system); OVERPARAM_GPU_DISCOVERY, where
# conf/gpu-discovery.sh lies on every NodeManager (default: the same path as here; only with
# conf/spark-defaults-gpu.conf).
# conf/log4j2.properties travels with the application (--files; files you pass with --files are
# added to it). In cluster mode a local experiment file given to train travels the same way, so
# the application master reads its own copy. Executors need the data (dataset.path) on every
# node. A results root without a scheme is on fs.defaultFS (HDFS on most clusters).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
if [ -z "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]; then
  echo "overparam: error: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the cluster's configuration" >&2
  exit 2
fi
mode=${OVERPARAM_DEPLOY_MODE:-client}
# [SPARK-SUBMIT OPTIONS --] APPLICATION ARGS: the user's --files join the project's own.
args=("$@"); user=(); app=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[i]}" = "--" ]; then
    user=("${args[@]:0:i}")
    app=("${args[@]:i+1}")
    break
  fi
done
files="$OVERPARAM_HOME/conf/log4j2.properties#overparam-log4j2.properties"
kept=()
for ((i = 0; i < ${#user[@]}; i++)); do
  case "${user[i]}" in
    --files) files+=",${user[i+1]:-}"; i=$((i + 1)) ;;
    --files=*) files+=",${user[i]#--files=}" ;;
    *) kept+=("${user[i]}") ;;
  esac
done
# Cluster mode: the application master runs on some NodeManager, where this machine's files are
# not; a local experiment file goes with the application and train reads the copy in the
# container's working folder.
if [ "$mode" = cluster ] && [ "${app[0]:-}" = train ] && [ -n "${app[1]:-}" ] \
    && [[ "${app[1]}" != *://* ]] && [ -f "${app[1]}" ]; then
  name=$(basename "${app[1]}")
  files+=",$(cd "$(dirname "${app[1]}")" && pwd)/$name#$name"
  app[1]=$name
fi
target=(--files "$files")
if [ "$mode" = cluster ] && [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  target+=(--conf "spark.yarn.appMasterEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
fi
# Files given with --files land in each container's working folder under their alias.
overparam_submit yarn overparam-log4j2.properties \
  "${OVERPARAM_GPU_DISCOVERY:-$OVERPARAM_HOME/conf/gpu-discovery.sh}" "${target[@]}" -- \
  ${kept[@]+"${kept[@]}"} -- ${app[@]+"${app[@]}"}
