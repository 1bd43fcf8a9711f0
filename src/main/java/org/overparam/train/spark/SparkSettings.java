package org.overparam.train.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.sql.SparkSession;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * Spark settings the training strategies rely on, applied to a session about to start wherever
 * the user (spark-submit, spark-defaults.conf) has not set them.
 *
 * <ul>
 *   <li>{@code spark.serializer}: Kryo. Parameter averaging ships the parameters and updater
 *       state to every worker and back each round; ND4J's registrator is mandatory with Kryo,
 *       since an INDArray's values live off the Java heap where Kryo's default serializer cannot
 *       see them.
 *   <li>{@code spark.executorEnv.OPENBLAS_CORETYPE}: the driver's BLAS core type, so executors
 *       escape OpenBLAS's slow fallback as the driver does; each executor checks it against its
 *       own CPU before ND4J loads ({@link org.overparam.train.Blas#checkCoreType()}).
 * </ul>
 */
public final class SparkSettings {
  private SparkSettings() {}

  /** The settings for a driver whose environment is {@code env}. */
  public static Map<String, String> defaults(Map<String, String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    m.put("spark.kryo.registrator", Registrator.class.getName());
    String core = env.get("OPENBLAS_CORETYPE");
    if (core != null && !core.isBlank()) {
      m.put("spark.executorEnv.OPENBLAS_CORETYPE", core.trim());
    }
    return m;
  }

  /** {@link #defaults} less what {@code existing} already sets. */
  public static Map<String, String> missing(SparkConf existing, Map<String, String> env) {
    Map<String, String> m = defaults(env);
    m.keySet().removeIf(existing::contains);
    return m;
  }

  /** Adds the {@link #missing} settings, for this process's environment, to {@code b}. */
  public static SparkSession.Builder apply(SparkSession.Builder b, SparkConf existing) {
    missing(existing, System.getenv()).forEach(b::config);
    return b;
  }

  /**
   * ND4J's Kryo registrations, plus Java serialization for records (run specs and results),
   * which Kryo 4 cannot construct.
   */
  public static final class Registrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
      new Nd4jRegistrator().registerClasses(kryo);
      kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
  }
}
