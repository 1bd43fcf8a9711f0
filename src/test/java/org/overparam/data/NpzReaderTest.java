package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.testing.NpzFiles;

/** Reads .npz files written the way NumPy writes them, and by NumPy itself where it is here. */
class NpzReaderTest {
  @TempDir
  Path tmp;

  @Test
  void readsFeaturesAndLabelsRowByRow() {
    Path f = NpzFiles.examples(tmp.resolve("d.npz"), 6, 3, 4);
    Examples ex = NpzReader.read(f, "x", "y", 3, 4);
    assertThat(ex.count()).isEqualTo(6);
    assertThat(ex.dim()).isEqualTo(3);
    assertThat(ex.classes()).isEqualTo(4);
    assertThat(ex.labels()).containsExactly(0, 1, 2, 3, 0, 1);
    assertThat(Arrays.copyOfRange(ex.features(), 3 * 5, 3 * 6)).containsExactly(5f, 5.01f, 5.02f);
  }

  @Test
  void readsCompressedArchivesFloat32OtherNamesAndColumnLabels() {
    float[] x = {0.5f, -1.5f, 2.25f, 3f};
    Path f = new NpzFiles().compressed().f4("signal", x, 2, 2)
        .i8("target", new long[] {1, 0}, 2, 1).write(tmp.resolve("c.npz"));
    Examples ex = NpzReader.read(f, "signal", "target", 2, 2);
    assertThat(ex.features()).containsExactly(x);
    assertThat(ex.labels()).containsExactly(1, 0);
  }

  @Test
  void readsFortranOrderBigEndianUnsignedAndVersionTwoHeaders() {
    // x = [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian float64.
    ByteBuffer b = ByteBuffer.allocate(6 * 8).order(ByteOrder.BIG_ENDIAN);
    for (double v : new double[] {1, 4, 2, 5, 3, 6}) {
      b.putDouble(v);
    }
    byte[] labels = {2, 0};
    Path f = new NpzFiles().raw("x", ">f8", true, new long[] {2, 3}, b.array())
        .npy("y", NpzFiles.npy(2, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
            labels))
        .write(tmp.resolve("f.npz"));
    Examples ex = NpzReader.read(f, "x", "y", 3, 3);
    assertThat(ex.features()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
    assertThat(ex.labels()).containsExactly(2, 0);
  }

  @Test
  void flattensTrailingDimensionsInRowMajorOrder() {
    double[] x = new double[2 * 2 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    Path f = new NpzFiles().f8("x", x, 2, 2, 3).i8("y", new long[] {0, 1}, 2)
        .write(tmp.resolve("img.npz"));
    Examples ex = NpzReader.read(f, "x", "y", 6, 2);
    assertThat(ex.features()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f);
  }

  @Test
  void namesTheFileAndArrayOfEveryBadInput() {
    Path good = NpzFiles.examples(tmp.resolve("good.npz"), 4, 3, 2);
    assertThat(bad(good, "z", "y", 3, 2)).isEqualTo("data file " + good
        + ": no array 'z' (it holds x, y)");
    assertThat(bad(good, "x", "y", 4, 2)).isEqualTo("data file " + good
        + ": array 'x' has shape (4, 3), 3 features per example; dataset.input_dim is 4");

    Path flat = new NpzFiles().f8("x", new double[] {1, 2}, 2).i8("y", new long[] {0, 1}, 2)
        .write(tmp.resolve("flat.npz"));
    assertThat(bad(flat, "x", "y", 1, 2)).contains("array 'x' has shape (2,); features need "
        + "one row per example, shape (n, 1)");

    Path floats = new NpzFiles().f8("x", new double[] {1, 2}, 2, 1)
        .f8("y", new double[] {0, 1}, 2).write(tmp.resolve("floatlabels.npz"));
    assertThat(bad(floats, "x", "y", 1, 2)).isEqualTo("data file " + floats + ": array 'y' is "
        + "of dtype <f8; labels must be integers (class indices 0..1)");

    Path negative = new NpzFiles().f8("x", new double[] {1, 2}, 2, 1)
        .i8("y", new long[] {0, -1}, 2).write(tmp.resolve("negative.npz"));
    assertThat(bad(negative, "x", "y", 1, 2)).isEqualTo("data file " + negative
        + ": y[1] is label -1, outside 0..1 (dataset.classes is 2)");

    Path big = new NpzFiles().f8("x", new double[] {1, 2}, 2, 1)
        .i8("y", new long[] {0, 7}, 2).write(tmp.resolve("big.npz"));
    assertThat(bad(big, "x", "y", 1, 2)).contains("y[1] is label 7, outside 0..1");

    Path nan = new NpzFiles().f8("x", new double[] {1, 2, 3, Double.NaN}, 2, 2)
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("nan.npz"));
    assertThat(bad(nan, "x", "y", 2, 2)).isEqualTo("data file " + nan
        + ": x[1, 1] is NaN; features must be finite numbers");

    Path inf = new NpzFiles().f8("x", new double[] {Double.NEGATIVE_INFINITY, 2}, 2, 1)
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("inf.npz"));
    assertThat(bad(inf, "x", "y", 1, 2)).contains("x[0, 0] is -Infinity");

    Path huge = new NpzFiles().f8("x", new double[] {1e300, 2}, 2, 1)
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("huge.npz"));
    assertThat(bad(huge, "x", "y", 1, 2)).contains("x[0, 0] is 1.0E300, beyond the range of a "
        + "32-bit float");

    Path count = new NpzFiles().f8("x", new double[] {1, 2, 3}, 3, 1)
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("count.npz"));
    assertThat(bad(count, "x", "y", 1, 2)).isEqualTo("data file " + count + ": array 'x' has 3 "
        + "examples but array 'y' has 2 labels");

    Path matrixLabels = new NpzFiles().f8("x", new double[] {1, 2}, 2, 1)
        .i8("y", new long[] {0, 1, 1, 0}, 2, 2).write(tmp.resolve("onehot.npz"));
    assertThat(bad(matrixLabels, "x", "y", 1, 2)).contains("array 'y' has shape (2, 2); labels "
        + "need shape (n,)");

    Path empty = new NpzFiles().f8("x", new double[0], 0, 3).i8("y", new long[0], 0)
        .write(tmp.resolve("empty.npz"));
    assertThat(bad(empty, "x", "y", 3, 2)).contains("array 'x' holds no examples (shape (0, 3))");
  }

  @Test
  void refusesRaggedStructuredAndStringArraysAndBrokenFiles() throws IOException {
    byte[] pickle = {(byte) 0x80, 0x02, ']', 'q', 0, '.'};
    Path ragged = new NpzFiles().raw("x", "|O", false, new long[] {2}, pickle)
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("ragged.npz"));
    assertThat(bad(ragged, "x", "y", 3, 2)).isEqualTo("data file " + ragged + ": array 'x' "
        + "holds Python objects (dtype |O), as NumPy stores a ragged array; every example needs "
        + "the same number of features, as one numeric array");

    Path structured = new NpzFiles().npy("x", NpzFiles.npy(1, "{'descr': [('a', '<f8'), "
        + "('b', '<i4')], 'fortran_order': False, 'shape': (2,), }", new byte[24]))
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("structured.npz"));
    assertThat(bad(structured, "x", "y", 2, 2)).contains("array 'x' has a structured dtype");

    Path strings = new NpzFiles().raw("x", "<U3", false, new long[] {2, 1}, new byte[24])
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("strings.npz"));
    assertThat(bad(strings, "x", "y", 1, 2)).contains("array 'x' is of dtype <U3, not a numeric "
        + "array");

    Path truncated = new NpzFiles().raw("x", "<f8", false, new long[] {2, 2}, new byte[20])
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("truncated.npz"));
    assertThat(bad(truncated, "x", "y", 2, 2)).isEqualTo("data file " + truncated
        + ": array 'x' is truncated");

    Path notNpy = new NpzFiles().npy("x", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8))
        .i8("y", new long[] {0, 1}, 2).write(tmp.resolve("csv.npz"));
    assertThat(bad(notNpy, "x", "y", 2, 2)).contains("array 'x' is not a NumPy .npy array");

    Path notZip = Files.writeString(tmp.resolve("text.npz"), "just text");
    assertThat(bad(notZip, "x", "y", 2, 2)).isEqualTo("data file " + notZip + ": not a .npz "
        + "file (not a zip archive of NumPy arrays)");

    Path good = NpzFiles.examples(tmp.resolve("whole.npz"), 50, 8, 2);
    byte[] all = Files.readAllBytes(good);
    Path cut = Files.write(tmp.resolve("cut.npz"), Arrays.copyOf(all, all.length / 2));
    assertThat(bad(cut, "x", "y", 8, 2)).startsWith("data file " + cut + ": ");
  }

  /**
   * Files NumPy itself writes (savez, savez_compressed, Fortran order, big-endian, a ragged
   * object array): read with the values NumPy reads back. Skipped where the project's Python
   * environment, which has NumPy, is not installed.
   */
  @Test
  void readsWhatNumpyWrites() throws Exception {
    Path python = Path.of(".venv", "bin", "python");
    Assumptions.assumeTrue(Files.isExecutable(python), "needs .venv (submit/setup)");
    String script = """
        import sys, numpy as np
        d = sys.argv[1]
        rng = np.random.default_rng(3)
        x = rng.normal(size=(5, 4))
        y = np.array([3, 0, 2, 1, 2], dtype=np.uint8)
        np.savez(d + '/plain.npz', x=x, y=y)
        np.savez_compressed(d + '/compressed.npz', x=x.astype(np.float32), y=y.astype(np.int32))
        np.savez(d + '/fortran.npz', x=np.asfortranarray(x), y=y.astype('>i2'))
        np.savez(d + '/bigendian.npz', x=x.astype('>f8'), y=y.astype(np.int64))
        ragged = np.empty(2, dtype=object); ragged[0] = [1.0, 2.0]; ragged[1] = [3.0]
        np.savez(d + '/ragged.npz', x=ragged, y=np.array([0, 1]))
        np.savetxt(d + '/x.txt', x, fmt='%.17g')
        """;
    Process p = new ProcessBuilder(python.toString(), "-c", script, tmp.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = Files.readAllLines(tmp.resolve("x.txt"));
    float[] expected = new float[20];
    for (int i = 0; i < 5; i++) {
      String[] v = lines.get(i).trim().split("\\s+");
      for (int j = 0; j < 4; j++) {
        expected[i * 4 + j] = (float) Double.parseDouble(v[j]);
      }
    }
    for (String name : List.of("plain", "compressed", "fortran", "bigendian")) {
      Examples ex = NpzReader.read(tmp.resolve(name + ".npz"), "x", "y", 4, 4);
      assertThat(ex.features()).as(name).containsExactly(expected);
      assertThat(ex.labels()).as(name).containsExactly(3, 0, 2, 1, 2);
    }
    assertThat(bad(tmp.resolve("ragged.npz"), "x", "y", 2, 2)).contains("holds Python objects");
  }

  private static String bad(Path file, String x, String y, int dim, int classes) {
    Throwable t = catchThrowable(
        () -> NpzReader.read(file, x, y, dim, classes));
    assertThat(t).isInstanceOf(DataException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }
}
