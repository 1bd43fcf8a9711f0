package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.results.Provenance;
import org.overparam.results.ResultsStore;
import org.overparam.testing.TestSpark;

/** A per-task run costs Spark one job, however many epochs it trains. */
class PerTaskJobsTest {
  @TempDir
  Path tmp;

  @Test
  void oneSparkJobPerRunNotPerEpoch() throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    List<RunSpec> runs = Grid.runs(ExperimentFile.parse("""
        name: jobs
        dataset: {kind: teacher-student, input_dim: 8, classes: 3, teacher_width: 8, test_size: 100}
        train_sizes: [128]
        model: {family: mlp, depths: [1], widths: [4, 16, 64]}
        optimizer: {kind: sgd, learning_rate: 0.05, batch_size: 32}
        epochs: 12
        seeds: [1]
        strategy: {kind: per-task}
        """, "jobs.yaml"));
    AtomicInteger jobs = new AtomicInteger();
    SparkListener count = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    sc.sc().addSparkListener(count);
    try {
      ResultsStore store = ResultsStore.open(tmp.toString())
          .withProvenance(Provenance.of(sc.master(), sc.sc().applicationId()));
      Sweep.Summary s = new Sweep(sc, store, System.out).run(runs);
      assertThat(s.completed()).isEqualTo(3);
      sc.sc().listenerBus().waitUntilEmpty();
      assertThat(jobs.get()).isEqualTo(3);
    } finally {
      sc.sc().removeSparkListener(count);
    }
  }
}
