package org.overparam.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.overparam.config.DatasetConfig;
import org.overparam.config.RunSpec;

/** Loads data sources (once per JVM) and draws each run's subset and label noise. */
public final class Datasets {
  /** Size of the synthetic pool; Fashion-MNIST's training split has the same. */
  static final int SYNTHETIC_POOL = 60_000;

  private static final ConcurrentHashMap<DatasetConfig, DataSource> CACHE =
      new ConcurrentHashMap<>();

  private Datasets() {}

  /** The source for {@code cfg}, loaded on first use in this JVM (drivers and executors alike). */
  public static DataSource load(DatasetConfig cfg) {
    return CACHE.computeIfAbsent(cfg, Datasets::read);
  }

  /** Fails with a one-line {@link DataException} unless {@code cfg} can give {@code trainSize}. */
  public static void check(DatasetConfig cfg, int largestTrainSize) {
    DataSource s = load(cfg);
    if (largestTrainSize > s.poolSize()) {
      throw new DataException("train_sizes: " + largestTrainSize + " exceeds the "
          + s.poolSize() + " training examples of " + s.description());
    }
  }

  /** Number of classes of {@code cfg}: read from the data where the config cannot tell. */
  public static int classes(DatasetConfig cfg) {
    return cfg.numClasses() > 0 ? cfg.numClasses() : load(cfg).classes();
  }

  private static DataSource read(DatasetConfig cfg) {
    if (cfg instanceof DatasetConfig.FashionMnist f) {
      Path dir = Path.of(f.path());
      if (!Files.isDirectory(dir)) {
        throw new DataException("dataset.path " + dir + ": no such folder (install Debian's "
            + "dataset-fashion-mnist or set dataset.path)");
      }
      checkShapes(dir, f);
      Examples pool = idx(dir, "train");
      Examples test = idx(dir, "t10k").head(f.testSize());
      return new DataSource(pool, test, f.describe());
    }
    if (cfg instanceof DatasetConfig.TeacherStudent t) {
      TeacherStudent teacher = new TeacherStudent(t.inputDim(), t.teacherWidth(), t.classes(),
          t.teacherSeed());
      Examples pool = teacher.sample(SYNTHETIC_POOL, new SplittableRandom(t.teacherSeed() + 1));
      Examples test = teacher.sample(t.testSize(), new SplittableRandom(t.teacherSeed() + 2));
      return new DataSource(pool, test, t.describe());
    }
    if (cfg instanceof DatasetConfig.Text t) {
      TextCorpus corpus = TextCorpus.read(Path.of(t.path()), t.context(), t.validationFraction(),
          t.bytes());
      return new DataSource(null, corpus.validation(t.testSize()), t.describe(), corpus);
    }
    if (cfg instanceof DatasetConfig.FileDataset f) {
      return FileDatasets.load(f);
    }
    throw new IllegalArgumentException("unknown dataset " + cfg);
  }

  /**
   * Train and test images must have one shape, the one the models are built for; checked from
   * the files' headers before the images are read.
   */
  private static void checkShapes(Path dir, DatasetConfig.FashionMnist f) {
    Path train = IdxReader.locate(dir, "train-images-idx3-ubyte");
    Path test = IdxReader.locate(dir, "t10k-images-idx3-ubyte");
    int[] a = IdxReader.imageShape(train);
    int[] b = IdxReader.imageShape(test);
    if (a[1] != b[1] || a[2] != b[2]) {
      throw new DataException("data files " + train + " (" + a[0] + " images of " + a[1] + "x"
          + a[2] + ") and " + test + " (" + b[0] + " images of " + b[1] + "x" + b[2]
          + "): train and test images differ in shape");
    }
    if ((long) a[1] * a[2] != f.featureDim()) {
      throw new DataException("data file " + train + ": images of " + a[1] + "x" + a[2]
          + ", Fashion-MNIST's are 28x28 (" + f.featureDim() + " pixels)");
    }
  }

  private static Examples idx(Path dir, String split) {
    int[] shape = new int[2];
    float[] images = IdxReader.images(IdxReader.locate(dir, split + "-images-idx3-ubyte"), shape);
    Path labelFile = IdxReader.locate(dir, split + "-labels-idx1-ubyte");
    int[] labels = IdxReader.labels(labelFile);
    if (labels.length != shape[0]) {
      throw new DataException("data file " + labelFile + ": " + labels.length + " labels for "
          + shape[0] + " images");
    }
    for (int l : labels) {
      if (l > 9) {
        throw new DataException("data file " + labelFile + ": label " + l + " outside 0..9");
      }
    }
    return new Examples(images, labels, shape[1], 10);
  }

  /**
   * Draws a run's training set: {@code trainSize} pool rows chosen by the seed's "subset" stream
   * (for a text, {@code trainSize} predicted characters in chunks of contiguous text that stream
   * chooses: see {@link TextCorpus#train}), then {@code round(noise * trainSize)} of them,
   * chosen by its "noise" stream, relabelled with a uniformly drawn wrong class. Test labels are
   * never touched.
   */
  public static TrainTest prepare(DataSource src, int trainSize, double noise, long seed) {
    Examples chosen;
    if (src.text() != null) {
      chosen = src.text().train(trainSize, seed);
    } else {
      int[] perm = Seeds.permutation(src.pool().count(), Seeds.rng(seed, "subset"));
      chosen = src.pool().rows(java.util.Arrays.copyOf(perm, trainSize), null);
    }
    return withNoise(chosen, src.test(), trainSize, noise, seed);
  }

  /**
   * The data of run {@code spec}: as {@link #prepare(DataSource, int, double, long)}, except for
   * a family that predicts every position of its window, which gets windows of the text
   * ({@link TextCorpus#trainWindows}, {@link TextCorpus#validationWindows}); its label noise
   * flips {@code round(noise * trainSize)} of the predicted tokens.
   */
  public static TrainTest prepare(DataSource src, RunSpec spec) {
    if (!spec.everyPosition()) {
      return prepare(src, spec.trainSize(), spec.labelNoise(), spec.seed());
    }
    if (src.text() == null) {
      throw new DataException("model.family: " + spec.family() + " needs a text dataset");
    }
    DatasetConfig.Text t = (DatasetConfig.Text) spec.dataset();
    return withNoise(src.text().trainWindows(spec.trainSize(), spec.seed()),
        src.text().validationWindows(t.testSize()), spec.trainSize(), spec.labelNoise(),
        spec.seed());
  }

  private static TrainTest withNoise(Examples chosen, Examples test, int trainSize,
      double noise, long seed) {
    int[] labels = chosen.labels().clone();
    int flips = (int) Math.round(noise * trainSize);
    SplittableRandom rng = Seeds.rng(seed, "noise");
    int[] which = Seeds.permutation(trainSize, rng);
    int k = chosen.classes();
    for (int i = 0; i < flips; i++) {
      int j = which[i];
      int wrong = rng.nextInt(k - 1);
      labels[j] = wrong >= labels[j] ? wrong + 1 : wrong;
    }
    Examples train = new Examples(chosen.features(), labels, chosen.dim(), k, chosen.steps());
    return new TrainTest(train, test, flips);
  }
}
