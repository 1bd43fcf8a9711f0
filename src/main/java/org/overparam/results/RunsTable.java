package org.overparam.results;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.overparam.train.RunResult;

/**
 * The {@code runs} table: one row per run, one file per run at
 * {@code <results>/runs/experiment=<name>/<run_id>.parquet}, written after the run's metrics file,
 * so a runs row is the commit mark of its metrics. {@code experiment} is the partition column.
 *
 * <pre>
 * column            type       meaning
 * run_id            string     as in metrics
 * status            string     completed | diverged | failed
 * message           string     why it failed or diverged, else empty
 * strategy          string     per-task | parameter-averaging
 * params            int64      parameters of the built network
 * epochs_planned    int32      epochs in the configuration
 * epochs_recorded   int32      evaluated epochs written to metrics
 * last_epoch        int32      last epoch with finite losses (0 if none)
 * final_test_error  double     test error at last_epoch (NaN if none)
 * started_at        timestamp  wall-clock start (UTC)
 * ended_at          timestamp  wall-clock end (UTC)
 * seconds           double     ended_at - started_at
 * config_json       string     the run's full configuration, canonical JSON
 * config_hash       string     SHA-256 of config_json
 * data              string     data source description
 * git_commit        string     commit the application was built from
 * version           string     application version
 * backend           string     ND4J backend that trained it
 * device            string     cpu, or the GPU address Spark assigned
 * host              string     host that trained it
 * spark_master      string     Spark master URL
 * spark_app_id      string     Spark application id
 * </pre>
 */
public final class RunsTable {
  public static final MessageType SCHEMA = Types.buildMessage()
      .required(BINARY).as(stringType()).named("run_id")
      .required(BINARY).as(stringType()).named("status")
      .required(BINARY).as(stringType()).named("message")
      .required(BINARY).as(stringType()).named("strategy")
      .required(INT64).named("params")
      .required(INT32).named("epochs_planned")
      .required(INT32).named("epochs_recorded")
      .required(INT32).named("last_epoch")
      .required(DOUBLE).named("final_test_error")
      .required(INT64).as(timestampType(true, MILLIS)).named("started_at")
      .required(INT64).as(timestampType(true, MILLIS)).named("ended_at")
      .required(DOUBLE).named("seconds")
      .required(BINARY).as(stringType()).named("config_json")
      .required(BINARY).as(stringType()).named("config_hash")
      .required(BINARY).as(stringType()).named("data")
      .required(BINARY).as(stringType()).named("git_commit")
      .required(BINARY).as(stringType()).named("version")
      .required(BINARY).as(stringType()).named("backend")
      .required(BINARY).as(stringType()).named("device")
      .required(BINARY).as(stringType()).named("host")
      .required(BINARY).as(stringType()).named("spark_master")
      .required(BINARY).as(stringType()).named("spark_app_id")
      .named("runs");

  private RunsTable() {}

  static Group row(RunResult r, Provenance p) {
    String json = r.spec().toJson();
    return new SimpleGroupFactory(SCHEMA).newGroup()
        .append("run_id", r.runId())
        .append("status", r.status().label())
        .append("message", r.message())
        .append("strategy", r.strategy())
        .append("params", r.params())
        .append("epochs_planned", r.spec().epochs())
        .append("epochs_recorded", r.epochs().size())
        .append("last_epoch", r.last() == null ? 0 : r.last().epoch())
        .append("final_test_error", r.last() == null ? Double.NaN : r.last().testError())
        .append("started_at", r.startedAtMillis())
        .append("ended_at", r.endedAtMillis())
        .append("seconds", (r.endedAtMillis() - r.startedAtMillis()) / 1e3)
        .append("config_json", json)
        .append("config_hash", sha256(json))
        .append("data", r.spec().dataset().describe())
        .append("git_commit", p.gitCommit())
        .append("version", p.version())
        .append("backend", r.backend())
        .append("device", r.device())
        .append("host", r.host())
        .append("spark_master", p.sparkMaster())
        .append("spark_app_id", p.sparkAppId());
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
