package org.overparam.train.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.overparam.config.ExperimentFile;
import org.overparam.config.Grid;
import org.overparam.config.RunSpec;
import org.overparam.testing.TestSpark;
import org.overparam.train.EpochMetrics;
import org.overparam.train.RunResult;
import org.overparam.train.RunStatus;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** The session settings: Kryo carries both INDArrays and the records tasks return. */
class SparkSettingsTest {
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.Any();

  static SerializerInstance kryo() {
    SparkConf conf = new SparkConf();
    SparkSettings.defaults(Map.of()).forEach(conf::set);
    return new KryoSerializer(conf).newInstance();
  }

  @Test
  void kryoRoundTripsRunResultsAndMinibatches() {
    SerializerInstance k = kryo();
    RunSpec spec = Grid.runs(ExperimentFile.parse("""
        name: kryo
        dataset: {kind: teacher-student}
        train_sizes: [200]
        model: {widths: [4]}
        epochs: 1
        """, "kryo.yaml")).get(0);
    RunResult r = new RunResult(spec, "per-task", 10, 10, 60, RunStatus.COMPLETED, "", 1, 2,
        List.of(new EpochMetrics(1, .5, .1, .6, .2, 1, 2, 3)), "CpuBackend", "cpu", "host",
        List.of(), 2);
    assertThat(k.deserialize(k.serialize(r, ANY), ANY)).isEqualTo(r);

    DataSet ds = new DataSet(Nd4j.rand(3, 4), Nd4j.rand(3, 2));
    DataSet back = (DataSet) k.deserialize(k.serialize(ds, ANY), ANY);
    assertThat(back.getFeatures()).isEqualTo(ds.getFeatures());
    assertThat(back.getLabels()).isEqualTo(ds.getLabels());
  }

  @Test
  void executorsGetTheDriversCoreTypeAndUserSettingsWin() {
    assertThat(SparkSettings.defaults(Map.of("OPENBLAS_CORETYPE", "HASWELL")))
        .containsEntry("spark.executorEnv.OPENBLAS_CORETYPE", "HASWELL")
        .containsEntry("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    assertThat(SparkSettings.defaults(Map.of()))
        .doesNotContainKey("spark.executorEnv.OPENBLAS_CORETYPE");

    SparkConf user = new SparkConf(false).set("spark.serializer",
        "org.apache.spark.serializer.JavaSerializer");
    assertThat(SparkSettings.missing(user, Map.of("OPENBLAS_CORETYPE", "ZEN")))
        .doesNotContainKey("spark.serializer")
        .containsEntry("spark.executorEnv.OPENBLAS_CORETYPE", "ZEN");
  }

  @Test
  void aSessionStartedThroughTheSettingsUsesThem() {
    SparkConf conf = TestSpark.get().sparkContext().conf();
    assertThat(conf.get("spark.serializer")).isEqualTo(
        "org.apache.spark.serializer.KryoSerializer");
    assertThat(conf.get("spark.kryo.registrator")).isEqualTo(
        SparkSettings.Registrator.class.getName());
    // A job that moves INDArrays through the session's serializer both ways.
    org.apache.spark.api.java.JavaSparkContext sc =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(TestSpark.get().sparkContext());
    List<Double> sums = sc.parallelize(List.of(1, 2, 3), 3)
        .map(i -> new DataSet(Nd4j.ones(2, 2).muli(i), Nd4j.zeros(2, 1)))
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY_SER())
        .map(d -> d.getFeatures().sumNumber().doubleValue())
        .collect();
    assertThat(sums).containsExactly(4.0, 8.0, 12.0);
  }
}
