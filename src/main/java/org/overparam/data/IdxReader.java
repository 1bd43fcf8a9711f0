package org.overparam.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX format of (Fashion-)MNIST: big-endian magic, dimensions, then unsigned bytes. */
public final class IdxReader {
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Locates {@code base} or {@code base.gz} in {@code dir}. */
  public static Path locate(Path dir, String base) {
    Path plain = dir.resolve(base);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = dir.resolve(base + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DataException("data file " + gz + ": not found (nor " + plain + ")");
  }

  /**
   * The dimensions {@code {count, rows, cols}} of an IDX image file, from its 16-byte header
   * alone (the images are not read).
   */
  public static int[] imageShape(Path file) {
    try (DataInputStream in = open(file)) {
      return header(file, in);
    } catch (EOFException e) {
      throw new DataException("data file " + file + ": truncated");
    } catch (IOException e) {
      throw new DataException("data file " + file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  private static int[] header(Path file, DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != IMAGES_MAGIC) {
      throw new DataException("data file " + file + ": not an IDX image file (magic 0x"
          + Integer.toHexString(magic) + ")");
    }
    int n = in.readInt();
    int rows = in.readInt();
    int cols = in.readInt();
    if (n <= 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols > Integer.MAX_VALUE) {
      throw new DataException("data file " + file + ": bad dimensions " + n + "x" + rows + "x"
          + cols);
    }
    return new int[] {n, rows, cols};
  }

  /** Images scaled to [0, 1], one row of rows*cols values each. */
  public static float[] images(Path file, int[] countOut) {
    try (DataInputStream in = open(file)) {
      int[] shape = header(file, in);
      int n = shape[0];
      int rows = shape[1];
      int cols = shape[2];
      byte[] raw = new byte[n * rows * cols];
      in.readFully(raw);
      float[] out = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        out[i] = (raw[i] & 0xff) / 255f;
      }
      countOut[0] = n;
      countOut[1] = rows * cols;
      return out;
    } catch (EOFException e) {
      throw new DataException("data file " + file + ": truncated");
    } catch (IOException e) {
      throw new DataException("data file " + file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /** Labels, one byte each. */
  public static int[] labels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new DataException("data file " + file + ": not an IDX label file (magic 0x"
            + Integer.toHexString(magic) + ")");
      }
      int n = in.readInt();
      if (n <= 0) {
        throw new DataException("data file " + file + ": bad label count " + n);
      }
      byte[] raw = new byte[n];
      in.readFully(raw);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = raw[i] & 0xff;
      }
      return out;
    } catch (EOFException e) {
      throw new DataException("data file " + file + ": truncated");
    } catch (IOException e) {
      throw new DataException("data file " + file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      raw = new GZIPInputStream(raw, 1 << 16);
    }
    return new DataInputStream(raw);
  }
}
