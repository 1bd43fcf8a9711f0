package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.overparam.config.RunSpec;
import org.overparam.data.Datasets;
import org.overparam.data.TrainTest;
import org.overparam.model.Models;
import org.overparam.testing.TestSpark;
import org.overparam.train.Checkpoints;
import org.overparam.train.RunStatus;
import org.overparam.train.spark.ParameterAveragingStateTest.Kept;

/**
 * Two workers averaging once an epoch end each epoch where DL4J's own
 * {@code ParameterAveragingTrainingMaster} (optimiser state averaged too) ends on the same
 * minibatches: exactly on {@code MultiLayerNetwork.fit} (SGD), within float rounding on the
 * stacked step (Adam).
 */
class AveragingRoundTest {
  @ParameterizedTest
  @CsvSource({"sgd, 0", "adam, 1e-5"})
  void twoWorkersMatchDl4jsTrainingMaster(String optimiser, double tolerance) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    RunSpec spec = ParameterAveragingStateTest.spec(optimiser, 2, 5);
    Kept kept = new Kept();
    assertThat(ParameterAveraging.train(sc, spec, (s, m) -> {}, kept).status())
        .isEqualTo(RunStatus.COMPLETED);

    TrainTest data = Datasets.prepare(Datasets.load(spec.dataset()), spec);
    MultiLayerNetwork driver = Models.build(spec, data.train().dim(), data.train().classes());
    JavaRDD<DataSet> batches = ParameterAveraging.epochBatches(sc, spec, 2, 0,
        Checkpoints.none()).persist(StorageLevel.MEMORY_ONLY());
    try {
      for (int epoch = 1; epoch <= 2; epoch++) {
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(2,
            32).saveUpdater(true).batchSizePerWorker(32).averagingFrequency(4)
            .rddTrainingApproach(RDDTrainingApproach.Direct).repartionData(Repartition.Never)
            .storageLevel(StorageLevel.MEMORY_ONLY()).build();
        driver = new SparkDl4jMultiLayer(sc, driver, master).fit(batches);
        INDArray[] ours = kept.byEpoch.get(epoch);
        assertThat(ours[0].sub(driver.params()).amaxNumber().doubleValue())
            .as("parameters after epoch %d", epoch).isLessThanOrEqualTo(tolerance);
        assertThat(ours[1].sub(driver.getUpdater().getStateViewArray()).amaxNumber()
            .doubleValue()).as("optimiser state after epoch %d", epoch)
            .isLessThanOrEqualTo(tolerance);
        assertThat(driver.getIterationCount()).isEqualTo(4 * epoch);
      }
    } finally {
      batches.unpersist(false);
    }
  }
}
