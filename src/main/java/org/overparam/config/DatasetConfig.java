package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.Serializable;

/** Where a run's examples come from; the {@code kind} key of the file picks the record. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = DatasetConfig.FashionMnist.class, name = "fashion-mnist"),
  @JsonSubTypes.Type(value = DatasetConfig.TeacherStudent.class, name = "teacher-student"),
  @JsonSubTypes.Type(value = DatasetConfig.Text.class, name = "text"),
})
public sealed interface DatasetConfig extends Serializable {

  /** Number of held-out test examples every run of the experiment is evaluated on. */
  int testExamples();

  /** A short description that goes into each run's provenance. */
  String describe();

  /** Length of one input vector. */
  int featureDim();

  /** Number of label classes; 0 where only the data can tell (a text's vocabulary). */
  int numClasses();

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
   * Next-character prediction on a UTF-8 text. The vocabulary is the sorted set of the corpus's
   * characters (Unicode code points); the first {@code 1 - validation_fraction} of the characters
   * are the training part, the rest the validation part that runs are tested on. One example is
   * the {@code context} characters before a position (their vocabulary indices) and the label is
   * the character at it; sizes count such predicted characters (tokens). A run's training set
   * is a seeded choice of 1024-character chunks of the training part (contiguous text within a
   * chunk), the same chunks in the same order for every size, so smaller sets are prefixes of
   * larger ones. A file whose every
   * non-blank line starts with a verse label ({@code "Ge1:1 In the beginning"}, the output of
   * Debian's {@code bible -f}) has the labels stripped.
   *
   * @param path the corpus file
   * @param context characters of context per prediction
   * @param validationFraction share of the text, at its end, held out for testing
   * @param testSize validation predictions evaluated, the first ones of the validation part
   *     (fewer if the part is shorter)
   */
  record Text(String path, Integer context, Double validationFraction, Integer testSize)
      implements DatasetConfig {
    /** Written by the setup script from Debian's bible-kjv, relative to the working folder. */
    public static final String DEFAULT_PATH = "data/kjv.txt";

    public Text {
      path = path == null ? DEFAULT_PATH : path;
      context = context == null ? 32 : context;
      validationFraction = validationFraction == null ? 0.1 : validationFraction;
      testSize = testSize == null ? 100_000 : testSize;
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
    }

    @Override
    public int testExamples() {
      return testSize;
    }

    @Override
    public String describe() {
      return "text:" + path + ",context=" + context + ",validation=" + validationFraction;
    }

    @Override
    public int featureDim() {
      return context;
    }

    @Override
    public int numClasses() {
      return 0;
    }
  }
}
