package org.overparam.results;

import static org.overparam.results.Columns.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.overparam.train.RunResult;

/**
 * The {@code runs} table: one row per run, one file per run at
 * {@code <results>/runs/experiment=<name>/<run_id>.parquet}, written after the run's metrics file,
 * so a runs row is the commit mark of its metrics. {@code experiment} is the partition column.
 *
 * <pre>
 * column            type       meaning
 * run_id            string     as in metrics
 * teacher_run_id    string     as in metrics (null for a run trained on labels alone)
 * status            string     completed | diverged | failed
 * message           string     why it failed or diverged, else empty
 * strategy          string     per-task | parameter-averaging
 * params            long       parameters of the built network
 * optimizer         string     sgd | adam
 * learning_rate     double     optimizer learning rate
 * batch_size        int        examples per step
 * augmentation      int        largest random shift of each training example per epoch
 *                              (0 = none; null in files written before the column existed,
 *                              as are optimizer, learning_rate and batch_size)
 * epochs_planned    int        epochs in the configuration
 * epochs_recorded   int        evaluated epochs written to metrics
 * last_epoch        int        last epoch with finite losses (0 if none)
 * final_test_error  double     test error at last_epoch (NaN if none)
 * started_at        timestamp  wall-clock start (UTC)
 * ended_at          timestamp  wall-clock end (UTC)
 * seconds           double     ended_at - started_at
 * config_json       string     the run's full configuration, canonical JSON
 * config_hash       string     SHA-256 of config_json
 * data              string     data source description
 * git_commit        string     commit the jar was built from (-dirty: uncommitted changes)
 * version           string     application version
 * backend           string     ND4J backend that trained it
 * device            string     cpu, or the GPU address Spark assigned
 * host              string     host that trained it
 * stack_size        int        runs trained together with it as one stacked model, itself
 *                              included (1: alone, on the stacked step; 0: DL4J's own loop;
 *                              null in files written before the column existed). The members
 *                              of a stack share started_at; their seconds span the stack's
 *                              training and each one's compression passes, done in turn
 * spark_master      string     Spark master URL
 * spark_app_id      string     Spark application id
 * </pre>
 */
public final class RunsTable {
  public static final MessageType SCHEMA = Catalog.RUNS.parquetSchema();

  private RunsTable() {}

  static Group row(RunResult r, Provenance p) {
    String json = r.spec().toJson();
    Group g = new SimpleGroupFactory(SCHEMA).newGroup();
    if (r.spec().distillation() != null) {
      g.append(TEACHER_RUN_ID.name(), r.spec().distillation().teacherRunId());
    }
    return g
        .append(RUN_ID.name(), r.runId())
        .append(STATUS.name(), r.status().label())
        .append(MESSAGE.name(), r.message())
        .append(STRATEGY.name(), r.strategy())
        .append(PARAMS.name(), r.params())
        .append(OPTIMIZER.name(), r.spec().optimizer().kind())
        .append(LEARNING_RATE.name(), r.spec().optimizer().learningRate())
        .append(BATCH_SIZE.name(), r.spec().optimizer().batchSize())
        .append(AUGMENTATION.name(), r.spec().augmentation())
        .append(EPOCHS_PLANNED.name(), r.spec().epochs())
        .append(EPOCHS_RECORDED.name(), r.epochs().size())
        .append(LAST_EPOCH.name(), r.last() == null ? 0 : r.last().epoch())
        .append(FINAL_TEST_ERROR.name(), r.last() == null ? Double.NaN : r.last().testError())
        .append(STARTED_AT.name(), r.startedAtMillis())
        .append(ENDED_AT.name(), r.endedAtMillis())
        .append(SECONDS.name(), (r.endedAtMillis() - r.startedAtMillis()) / 1e3)
        .append(CONFIG_JSON.name(), json)
        .append(CONFIG_HASH.name(), sha256(json))
        .append(DATA.name(), r.spec().dataset().describe())
        .append(GIT_COMMIT.name(), p.gitCommit())
        .append(VERSION.name(), p.version())
        .append(BACKEND.name(), r.backend())
        .append(DEVICE.name(), r.device())
        .append(HOST.name(), r.host())
        .append(STACK_SIZE.name(), r.stackSize())
        .append(SPARK_MASTER.name(), p.sparkMaster())
        .append(SPARK_APP_ID.name(), p.sparkAppId());
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
