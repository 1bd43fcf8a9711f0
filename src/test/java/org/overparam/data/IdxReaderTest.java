package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files as (Fashion-)MNIST ships them, gzipped or not, written byte by byte here. */
class IdxReaderTest {
  @TempDir
  Path tmp;

  static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(payload);
    return b.toByteArray();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(bytes);
    }
    return b.toByteArray();
  }

  /** Three 2x3 images whose pixels are 0, 51, ..., 255 and then count on. */
  static byte[] images() throws IOException {
    byte[] px = new byte[3 * 6];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 15);
    }
    px[0] = (byte) 255;
    return idx(0x803, new int[] {3, 2, 3}, px);
  }

  @Test
  void readsImagesScaledToTheUnitIntervalAndLabelsGzippedOrNot() throws IOException {
    Path gz = Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), gzip(images()));
    Path plain = Files.write(tmp.resolve("t10k-images-idx3-ubyte"), images());
    for (Path f : new Path[] {gz, plain}) {
      int[] shape = new int[2];
      float[] x = IdxReader.images(f, shape);
      assertThat(shape).containsExactly(3, 6);
      assertThat(x).hasSize(18);
      assertThat(x[0]).isEqualTo(1f);
      assertThat(x[1]).isEqualTo(15 / 255f);
      assertThat(x[17]).isEqualTo((17 * 15) / 255f);
      assertThat(IdxReader.imageShape(f)).containsExactly(3, 2, 3);
    }
    Path labels = Files.write(tmp.resolve("train-labels-idx1-ubyte.gz"),
        gzip(idx(0x801, new int[] {4}, new byte[] {9, 0, (byte) 200, 3})));
    assertThat(IdxReader.labels(labels)).containsExactly(9, 0, 200, 3); // unsigned bytes
  }

  @Test
  void locatesThePlainFileFirstThenTheGzippedOne() throws IOException {
    Path gz = Files.write(tmp.resolve("a-idx1-ubyte.gz"), new byte[] {1});
    assertThat(IdxReader.locate(tmp, "a-idx1-ubyte")).isEqualTo(gz);
    Path plain = Files.write(tmp.resolve("a-idx1-ubyte"), new byte[] {1});
    assertThat(IdxReader.locate(tmp, "a-idx1-ubyte")).isEqualTo(plain);
    assertThatThrownBy(() -> IdxReader.locate(tmp, "b-idx1-ubyte"))
        .isInstanceOf(DataException.class)
        .hasMessage("data file " + tmp.resolve("b-idx1-ubyte.gz") + ": not found (nor "
            + tmp.resolve("b-idx1-ubyte") + ")");
  }

  @Test
  void theShapeComesFromTheHeaderAlone() throws IOException {
    byte[] header = Arrays.copyOf(images(), 16); // no pixels at all
    Path f = Files.write(tmp.resolve("header-only"), header);
    assertThat(IdxReader.imageShape(f)).containsExactly(3, 2, 3);
    assertThatThrownBy(() -> IdxReader.images(f, new int[2])).hasMessage("data file " + f
        + ": truncated");
  }

  @Test
  void refusesWrongMagicBadDimensionsAndTruncatedFiles() throws IOException {
    Path labelsAsImages = Files.write(tmp.resolve("l"), idx(0x801, new int[] {1}, new byte[1]));
    assertThatThrownBy(() -> IdxReader.imageShape(labelsAsImages))
        .isInstanceOf(DataException.class)
        .hasMessage("data file " + labelsAsImages + ": not an IDX image file (magic 0x801)");
    Path imagesAsLabels = Files.write(tmp.resolve("i"), images());
    assertThatThrownBy(() -> IdxReader.labels(imagesAsLabels))
        .hasMessage("data file " + imagesAsLabels + ": not an IDX label file (magic 0x803)");
    Path zero = Files.write(tmp.resolve("z"), idx(0x803, new int[] {0, 28, 28}, new byte[0]));
    assertThatThrownBy(() -> IdxReader.imageShape(zero))
        .hasMessage("data file " + zero + ": bad dimensions 0x28x28");
    Path huge = Files.write(tmp.resolve("h"), idx(0x803, new int[] {100_000, 1000, 1000},
        new byte[0]));
    assertThatThrownBy(() -> IdxReader.imageShape(huge)).hasMessageContaining("bad dimensions");
    Path noLabels = Files.write(tmp.resolve("n"), idx(0x801, new int[] {-1}, new byte[0]));
    assertThatThrownBy(() -> IdxReader.labels(noLabels)).hasMessage("data file " + noLabels
        + ": bad label count -1");
    Path cut = Files.write(tmp.resolve("c.gz"), Arrays.copyOf(gzip(images()), 20));
    assertThatThrownBy(() -> IdxReader.images(cut, new int[2])).hasMessageStartingWith(
        "data file " + cut + ": ");
    Path empty = Files.write(tmp.resolve("e"), new byte[0]);
    assertThatThrownBy(() -> IdxReader.imageShape(empty)).hasMessage("data file " + empty
        + ": truncated");
    Path notGzip = Files.write(tmp.resolve("p.gz"), "plain text".getBytes());
    assertThatThrownBy(() -> IdxReader.labels(notGzip)).hasMessageStartingWith("data file "
        + notGzip + ": unreadable");
  }
}
