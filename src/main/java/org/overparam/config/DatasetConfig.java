package org.overparam.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.Serializable;

/** Where a run's examples come from; the {@code kind} key of the file picks the record. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = DatasetConfig.FashionMnist.class, name = "fashion-mnist"),
  @JsonSubTypes.Type(value = DatasetConfig.TeacherStudent.class, name = "teacher-student"),
})
public sealed interface DatasetConfig extends Serializable {

  /** Number of held-out test examples every run of the experiment is evaluated on. */
  int testExamples();

  /** A short description that goes into each run's provenance. */
  String describe();

  /** Length of one input vector. */
  int featureDim();

  /** Number of label classes. */
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
}
