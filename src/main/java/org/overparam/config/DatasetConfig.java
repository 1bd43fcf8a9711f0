package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.Serializable;
import java.util.List;

/** Where a run's examples come from; the {@code kind} key of the file picks the record. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = DatasetConfig.FashionMnist.class, name = "fashion-mnist"),
  @JsonSubTypes.Type(value = DatasetConfig.TeacherStudent.class, name = "teacher-student"),
  @JsonSubTypes.Type(value = DatasetConfig.Text.class, name = "text"),
  @JsonSubTypes.Type(value = DatasetConfig.Npz.class, name = "npz"),
  @JsonSubTypes.Type(value = DatasetConfig.Parquet.class, name = "parquet"),
})
public sealed interface DatasetConfig extends Serializable {

  /**
   * Number of held-out test examples every run of the experiment is evaluated on; 0 where only
   * the data can tell (all the test examples a user's file holds).
   */
  int testExamples();

  /** A short description that goes into each run's provenance. */
  String describe();

  /** Length of one input vector. */
  int featureDim();

  /** Number of label classes; 0 where only the data can tell (a text's vocabulary). */
  int numClasses();

  /**
   * How {@code augmentation} moves this dataset's training examples, or null where their
   * features have no spatial order to move along (a text's tokens, a teacher's Gaussian
   * inputs): then the experiment refuses any augmentation above 0.
   */
  default Shifts shifts() {
    return null;
  }

  /** The {@code kind} that names {@code d}'s record in an experiment file. */
  static String kind(DatasetConfig d) {
    for (JsonSubTypes.Type t : DatasetConfig.class.getAnnotation(JsonSubTypes.class).value()) {
      if (t.value() == d.getClass()) {
        return t.name();
      }
    }
    throw new IllegalArgumentException("unknown dataset " + d);
  }

  /**
   * The geometry augmentation moves an example in. With {@code augmentation: k} every training
   * example, in every epoch, is moved by its own random offset, up to {@code k} along each
   * axis: an image of {@code height x width} pixels (stored row by row) is translated by
   * {@code (dx, dy)} in {@code [-k, k]^2}, the pixels moved in from outside being 0, and, where
   * {@code flips}, mirrored left-right with probability 1/2; a sequence ({@code circular},
   * {@code height} 1) is rotated by {@code s} in {@code [-k, k]} positions, what leaves one end
   * coming back at the other.
   *
   * @param height rows of an image; 1 for a sequence
   * @param width columns of an image; positions of a sequence
   * @param circular whether shifts wrap around (a sequence) or fill with 0 (an image)
   * @param flips whether an image is also mirrored left-right, which is a choice per dataset:
   *     only where a mirrored example is an example of the same class
   */
  record Shifts(int height, int width, boolean circular, boolean flips) implements Serializable {
    /** Shifts must be less than this: the side of an image, the length of a sequence. */
    public int limit() {
      return circular ? width : Math.min(height, width);
    }

    /** What {@link #limit} is, in words. */
    public String describe() {
      return circular ? "length of its " + width + "-position sequences"
          : "side of its " + height + "x" + width + " images";
    }
  }

  /**
   * Fashion-MNIST from its four IDX files (gzipped or not).
   *
   * @param path folder holding {@code train-images-idx3-ubyte[.gz]} and the three others
   * @param testSize test images used, the first ones of the official test split
   */
  record FashionMnist(String path, Integer testSize) implements DatasetConfig {
    public static final String DEFAULT_PATH = "/usr/share/datasets/fashion-mnist";

    public FashionMnist {
      path = path == null ? DEFAULT_PATH : path;
      testSize = testSize == null ? 10_000 : testSize;
      if (testSize <= 0 || testSize > 10_000) {
        throw new IllegalArgumentException("test_size: must be in 1..10000, got " + testSize);
      }
    }

    @Override
    public int testExamples() {
      return testSize;
    }

    @Override
    public String describe() {
      return "fashion-mnist:" + path;
    }

    @Override
    public int featureDim() {
      return 28 * 28;
    }

    @Override
    public int numClasses() {
      return 10;
    }

    /**
     * 28x28 images, translated with zero fill and mirrored left-right: each of Fashion-MNIST's
     * ten classes (T-shirts, trousers, pullovers, dresses, coats, sandals, shirts, sneakers,
     * bags, ankle boots) is the same class mirrored, as a photograph of it taken from the other
     * side. (A folder of MNIST digits would need no flips: a mirrored 2 is no 2.)
     */
    @Override
    public Shifts shifts() {
      return new Shifts(28, 28, false, true);
    }
  }

  /**
   * Gaussian inputs labelled by a fixed random teacher MLP: needs no files, known difficulty.
   *
   * @param inputDim input dimension
   * @param classes number of classes
   * @param teacherWidth hidden width of the teacher
   * @param teacherSeed seed of the teacher's weights, fixed across runs so every run sees one task
   * @param testSize test examples drawn from the same distribution
   */
  record TeacherStudent(Integer inputDim, Integer classes, Integer teacherWidth, Long teacherSeed,
      Integer testSize) implements DatasetConfig {
    public TeacherStudent {
      inputDim = inputDim == null ? 32 : inputDim;
      classes = classes == null ? 4 : classes;
      teacherWidth = teacherWidth == null ? 16 : teacherWidth;
      teacherSeed = teacherSeed == null ? 1234L : teacherSeed;
      testSize = testSize == null ? 2000 : testSize;
      Check.positive(inputDim, "input_dim");
      Check.positive(teacherWidth, "teacher_width");
      Check.positive(testSize, "test_size");
      if (classes < 2) {
        throw new IllegalArgumentException("classes: must be >= 2, got " + classes);
      }
      if ((long) Math.max(testSize, teacherWidth) * inputDim > Check.MAX_ARRAY) {
        throw new IllegalArgumentException("input_dim: " + inputDim + " features of "
            + Math.max(testSize, teacherWidth) + (testSize >= teacherWidth ? " test examples"
            : " teacher units") + " exceed one array (" + Check.MAX_ARRAY + " elements)");
      }
    }

    @Override
    public int testExamples() {
      return testSize;
    }

    @Override
    public String describe() {
      return "teacher-student:d=" + inputDim + ",k=" + classes + ",h=" + teacherWidth
          + ",seed=" + teacherSeed;
    }

    @Override
    public int featureDim() {
      return inputDim;
    }

    @Override
    public int numClasses() {
      return classes;
    }
  }

  /**
   * Next-token prediction on a text. With {@code tokens: char} (the default) the text is read as
   * UTF-8 and its tokens are characters (Unicode code points): the vocabulary is the sorted set
   * of the corpus's characters. With {@code tokens: byte} its tokens are its bytes: the
   * vocabulary is all 256 byte values, with no pass over the data to find it, and any file will
   * do (a UTF-8 character outside ASCII is several tokens). The first
   * {@code 1 - validation_fraction} of the tokens are the training part, the rest the validation
   * part that runs are tested on. For {@code charlm} and {@code charlstm} one example is the
   * {@code context} tokens before a position and the label is the token at it; {@code gpt} reads
   * windows of {@code context} tokens and predicts the token after each of them, so one window
   * is {@code context} predictions. Sizes count predicted tokens either way. A run's training
   * set is a seeded choice of 1024-token chunks of the training part (contiguous text within a
   * chunk; for {@code gpt}, of non-overlapping windows), the same ones in the same order for
   * every size, so smaller sets are prefixes of larger ones. A file whose every non-blank line
   * starts with a verse label ({@code "Ge1:1 In the beginning"}, the output of Debian's
   * {@code bible -f}) has the labels stripped.
   *
   * @param path the corpus file
   * @param context tokens of context per prediction (the window length for {@code gpt})
   * @param validationFraction share of the text, at its end, held out for testing
   * @param testSize validation predictions evaluated, the first ones of the validation part
   *     (fewer if the part is shorter; for {@code gpt} whole windows, at least one)
   * @param tokens {@code char} or {@code byte}
   */
  record Text(String path, Integer context, Double validationFraction, Integer testSize,
      @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = CharTokens.class)
      String tokens) implements DatasetConfig {
    /** Written by the setup script from Debian's bible-kjv, relative to the working folder. */
    public static final String DEFAULT_PATH = "data/kjv.txt";
    public static final List<String> TOKENS = List.of("char", "byte");

    public Text(String path, Integer context, Double validationFraction, Integer testSize) {
      this(path, context, validationFraction, testSize, null);
    }

    public Text {
      path = path == null ? DEFAULT_PATH : path;
      context = context == null ? 32 : context;
      validationFraction = validationFraction == null ? 0.1 : validationFraction;
      testSize = testSize == null ? 100_000 : testSize;
      tokens = tokens == null ? "char" : tokens;
      if (path.isBlank()) {
        throw new IllegalArgumentException("path: must not be empty");
      }
      if (context < 1 || context > 4096) {
        throw new IllegalArgumentException("context: must be in 1..4096, got " + context);
      }
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException("validation_fraction: must be in (0, 1), got "
            + validationFraction);
      }
      Check.positive(testSize, "test_size");
      if (!TOKENS.contains(tokens)) {
        throw new IllegalArgumentException("tokens: '" + tokens + "' is not one of " + TOKENS);
      }
    }

    /** Whether the tokens are bytes rather than characters. */
    public boolean bytes() {
      return tokens.equals("byte");
    }

    @Override
    public int testExamples() {
      return testSize;
    }

    @Override
    public String describe() {
      return "text:" + path + ",context=" + context + ",validation=" + validationFraction
          + (bytes() ? ",tokens=byte" : "");
    }

    @Override
    public int featureDim() {
      return context;
    }

    @Override
    public int numClasses() {
      return bytes() ? 256 : 0;
    }
  }

  /**
   * Leaves the default {@code tokens: char} out of a run's JSON, so runs that say nothing of
   * tokens keep the ids they had before the field existed (Jackson excludes what equals this).
   */
  final class CharTokens {
    @Override
    public boolean equals(Object o) {
      return o == null || "char".equals(o);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /**
   * Features and integer class labels from files the user brings: a NumPy {@code .npz} ({@link
   * Npz}) or a Parquet file ({@link Parquet}). The test examples come from a second file
   * ({@code test_path}) or are a seeded share of the first ({@code test_fraction}, {@code
   * split_seed}): a permutation of its rows drawn from the split seed, whose first {@code
   * round(test_fraction x rows)} are the test set and the rest the pool every run's training set
   * is drawn from, as from Fashion-MNIST's training split.
   *
   * <p>Features are used as given: no scaling or centring, since only the user knows what their
   * numbers mean (MNIST-1D's generator, for one, already centres them and scales them to unit
   * variance) and a statistic taken over the whole file would leak the test rows into training.
   * They must be finite and are held as 32-bit floats, as the models compute. Labels must be
   * integers in {@code 0 .. classes-1}. The experiment file states the shape ({@code input_dim},
   * {@code classes}) and the data are checked against it before Spark starts, so a file of
   * another shape is an error naming the file, not a model built for the wrong input.
   */
  sealed interface FileDataset extends DatasetConfig permits Npz, Parquet {
    /** The file holding the training examples (and, without {@link #testPath}, the test ones). */
    String path();

    /** The file of test examples; null when they are split off {@link #path}. */
    String testPath();

    /** Share of {@link #path}'s rows held out for testing; null with {@link #testPath}. */
    Double testFraction();

    /** Seed of the train/test permutation; null with {@link #testPath}. */
    Long splitSeed();

    /** Name of the features (an array, a column or the prefix of numbered columns). */
    String features();

    /** Name of the labels (an array or a column). */
    String labels();

    /** Features per example. */
    Integer inputDim();

    /** Number of classes; labels are {@code 0 .. classes-1}. */
    Integer classes();

    /** Test examples used, the first ones of the test set; null: all of them. */
    Integer testSize();

    @Override
    default int testExamples() {
      return testSize() == null ? 0 : testSize();
    }

    @Override
    default int featureDim() {
      return inputDim();
    }

    @Override
    default int numClasses() {
      return classes();
    }

    /**
     * The features as one sequence of {@code input_dim} positions, rotated circularly and never
     * flipped, as MNIST-1D's 40 positions are: a file gives no shape beyond its rows, so images
     * flattened into rows would be rotated as one long sequence, not translated as images.
     */
    @Override
    default Shifts shifts() {
      return new Shifts(1, inputDim(), true, false);
    }

    /** What the runs' provenance records of the data: kind, files, split and names. */
    default String describe(String kind) {
      String test = testPath() != null ? ",test=" + testPath()
          : ",test_fraction=" + testFraction() + ",split_seed=" + splitSeed();
      return kind + ":" + path() + test + ",features=" + features() + ",labels=" + labels()
          + ",d=" + inputDim() + ",k=" + classes();
    }

    /** Default name of the features. */
    String FEATURES = "x";
    /** Default name of the labels. */
    String LABELS = "y";

    /**
     * Checks the fields both kinds share, already defaulted; each failure names its field.
     * Exactly one of {@code test_path} and {@code test_fraction} says where the test set comes
     * from, and {@code split_seed} only goes with the second.
     */
    static void check(String path, String testPath, Double testFraction, Long splitSeed,
        String features, String labels, Integer inputDim, Integer classes, Integer testSize) {
      if (Check.required(path, "path").isBlank()) {
        throw new IllegalArgumentException("path: must not be empty");
      }
      if (testPath != null && testPath.isBlank()) {
        throw new IllegalArgumentException("test_path: must not be empty");
      }
      if (testPath == null && testFraction == null) {
        throw new IllegalArgumentException("test_path: is required unless test_fraction is "
            + "given (a seeded share of path held out for testing)");
      }
      if (testPath != null && testFraction != null) {
        throw new IllegalArgumentException("test_fraction: give test_path (a file of test "
            + "examples) or test_fraction (a share of path), not both");
      }
      if (testPath != null && splitSeed != null) {
        throw new IllegalArgumentException("split_seed: only goes with test_fraction; with "
            + "test_path the test set is that file");
      }
      if (testFraction != null && !(testFraction > 0 && testFraction < 1)) {
        throw new IllegalArgumentException("test_fraction: must be in (0, 1), got "
            + testFraction);
      }
      if (features.isBlank()) {
        throw new IllegalArgumentException("features: must not be empty");
      }
      if (labels.isBlank()) {
        throw new IllegalArgumentException("labels: must not be empty");
      }
      if (features.equals(labels)) {
        throw new IllegalArgumentException("labels: '" + labels + "' is also the features' "
            + "name");
      }
      Check.positive(Check.required(inputDim, "input_dim"), "input_dim");
      if (inputDim > 1 << 24) {
        throw new IllegalArgumentException("input_dim: must be at most " + (1 << 24) + ", got "
            + inputDim);
      }
      if (Check.required(classes, "classes") < 2 || classes > 1 << 16) {
        throw new IllegalArgumentException("classes: must be in 2.." + (1 << 16) + ", got "
            + classes);
      }
      if (testSize != null) {
        Check.positive(testSize, "test_size");
      }
    }
  }

  /**
   * Examples from NumPy {@code .npz} files ({@code numpy.savez} or {@code savez_compressed}): a
   * features array of shape {@code (n, input_dim)} (or {@code (n, d1, d2, ...)} with
   * {@code d1 x d2 x ... = input_dim}, read row by row in C order) of float32 or float64 (integer
   * arrays are read as floats too) and a labels array of shape {@code (n,)} of an integer dtype.
   * See {@link FileDataset} for the fields.
   */
  record Npz(String path, String testPath, Double testFraction, Long splitSeed, String features,
      String labels, Integer inputDim, Integer classes, Integer testSize) implements FileDataset {
    public Npz {
      features = features == null ? FEATURES : features;
      labels = labels == null ? LABELS : labels;
      splitSeed = splitSeed == null && testFraction != null ? Long.valueOf(0) : splitSeed;
      FileDataset.check(path, testPath, testFraction, splitSeed, features, labels, inputDim,
          classes, testSize);
    }

    @Override
    public String describe() {
      return describe("npz");
    }
  }

  /**
   * Examples from Parquet files, one row each: the features either in one column of lists of
   * {@code input_dim} numbers (a float or double list column, as pyarrow, pandas and Spark write
   * an array) or in {@code input_dim} numeric columns named {@code features} followed by their
   * number ({@code x0 .. x39}, or from 1: {@code pixel1 .. pixel784}), and the labels in an
   * integer column. See {@link FileDataset} for the fields.
   */
  record Parquet(String path, String testPath, Double testFraction, Long splitSeed,
      String features, String labels, Integer inputDim, Integer classes, Integer testSize)
      implements FileDataset {
    public Parquet {
      features = features == null ? FEATURES : features;
      labels = labels == null ? LABELS : labels;
      splitSeed = splitSeed == null && testFraction != null ? Long.valueOf(0) : splitSeed;
      FileDataset.check(path, testPath, testFraction, splitSeed, features, labels, inputDim,
          classes, testSize);
    }

    @Override
    public String describe() {
      return describe("parquet");
    }
  }
}
