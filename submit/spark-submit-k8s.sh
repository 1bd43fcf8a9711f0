#!/usr/bin/env bash
# overparam on Kubernetes: executors run in pods of an image holding Spark and this project.
#   OVERPARAM_K8S_MASTER=k8s://https://API-SERVER:6443 OVERPARAM_K8S_IMAGE=REGISTRY/overparam:TAG \
#     submit/spark-submit-k8s.sh [SPARK-SUBMIT OPTIONS --] train EXPERIMENT.yaml [--results DIR]
# Environment:
#   OVERPARAM_K8S_MASTER           required: the API server, k8s://https://host:port
#   OVERPARAM_K8S_IMAGE            required: an image of Spark 3.5 on Java 17 (for example
#                                  apache/spark's java17 tags) with this project copied to
#                                  OVERPARAM_K8S_HOME after `mvn package` (target/overparam.jar,
#                                  conf/), and the data the experiments read
#   OVERPARAM_K8S_HOME             the project's folder in the image (default /opt/overparam)
#   OVERPARAM_K8S_NAMESPACE        namespace of the pods (default: default)
#   OVERPARAM_K8S_SERVICE_ACCOUNT  account allowed to create executor pods (default: spark)
#   OVERPARAM_DEPLOY_MODE          client (default): the driver runs here, so this machine must be
#                                  reachable from the pods (run it in a pod, or set
#                                  spark.driver.host); cluster: the driver runs in a pod too and
#                                  reads the experiment file and writes the results root there
#                                  (use paths inside the image and an s3a:// or hdfs:// root)
#   SPARK_HOME, OVERPARAM_SPARK_CONF  as for the other scripts
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
case "${OVERPARAM_K8S_MASTER:-}" in
  k8s://*) ;;
  *) echo "overparam: error: set OVERPARAM_K8S_MASTER to the API server, k8s://https://host:port" >&2
     exit 2 ;;
esac
if [ -z "${OVERPARAM_K8S_IMAGE:-}" ]; then
  echo "overparam: error: set OVERPARAM_K8S_IMAGE to an image holding Spark and this project" >&2
  exit 2
fi
home=${OVERPARAM_K8S_HOME:-/opt/overparam}
target=(
  --conf "spark.kubernetes.container.image=$OVERPARAM_K8S_IMAGE"
  --conf "spark.kubernetes.namespace=${OVERPARAM_K8S_NAMESPACE:-default}"
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${OVERPARAM_K8S_SERVICE_ACCOUNT:-spark}"
)
if [ "${OVERPARAM_DEPLOY_MODE:-client}" = cluster ]; then
  # The driver pod runs the jar from the image.
  export OVERPARAM_APP_JAR=${OVERPARAM_APP_JAR:-local://$home/target/overparam.jar}
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    target+=(--conf "spark.kubernetes.driverEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  fi
fi
overparam_submit "$OVERPARAM_K8S_MASTER" \
  "$home/conf/log4j2.properties" "$home/conf/gpu-discovery.sh" "${target[@]}" -- "$@"
