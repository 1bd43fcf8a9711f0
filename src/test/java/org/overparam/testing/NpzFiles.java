package org.overparam.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes real {@code .npz} files as NumPy does: a zip of {@code NAME.npy} entries, each the
 * {@code \x93NUMPY} magic, a version, a header padded with spaces to a multiple of 64 bytes and
 * ending in a newline, then the values ({@code numpy.lib.format}).
 */
public final class NpzFiles {
  private final Map<String, byte[]> arrays = new LinkedHashMap<>();
  private boolean compressed;

  /** Deflated entries, as {@code numpy.savez_compressed} writes; stored ones by default. */
  public NpzFiles compressed() {
    compressed = true;
    return this;
  }

  /** A float64 (little-endian, C order) array of {@code shape}. */
  public NpzFiles f8(String name, double[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return raw(name, "<f8", false, shape, b.array());
  }

  /** A float32 (little-endian, C order) array of {@code shape}. */
  public NpzFiles f4(String name, float[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return raw(name, "<f4", false, shape, b.array());
  }

  /** An int64 (little-endian) array of {@code shape}. */
  public NpzFiles i8(String name, long[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return raw(name, "<i8", false, shape, b.array());
  }

  /** An array of any dtype {@code descr} whose values are {@code data}, as given. */
  public NpzFiles raw(String name, String descr, boolean fortran, long[] shape, byte[] data) {
    return npy(name, npy(1, "{'descr': '" + descr + "', 'fortran_order': "
        + (fortran ? "True" : "False") + ", 'shape': " + tuple(shape) + ", }", data));
  }

  /** An entry {@code name.npy} holding exactly {@code bytes}. */
  public NpzFiles npy(String name, byte[] bytes) {
    arrays.put(name, bytes);
    return this;
  }

  /** The bytes of one {@code .npy} array of format {@code major}.0 with header dict {@code h}. */
  public static byte[] npy(int major, String h, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int prefix = 6 + 2 + lengthBytes;
    int total = prefix + h.length() + 1;
    String header = h + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    ByteBuffer len = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      len.putShort((short) header.length());
    } else {
      len.putInt(header.length());
    }
    out.writeBytes(len.array());
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** A Python tuple as NumPy writes shapes: {@code (4,)}, {@code (4, 3)}, {@code ()}. */
  static String tuple(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /** Writes the archive to {@code file}. */
  public Path write(Path file) {
    try (OutputStream f = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(f)) {
      for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
        if (!compressed) {
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** {@code n} examples of {@code dim} features {@code i + j / 100} and labels {@code i % k}. */
  public static Path examples(Path file, int n, int dim, int classes) {
    double[] x = new double[n * dim];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < dim; j++) {
        x[i * dim + j] = i + j / 100.0;
      }
      y[i] = i % classes;
    }
    return new NpzFiles().f8("x", x, n, dim).i8("y", y, n).write(file);
  }
}
