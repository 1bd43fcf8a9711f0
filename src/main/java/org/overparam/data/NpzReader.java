package org.overparam.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads labelled examples from a NumPy {@code .npz} file: a zip archive ({@code numpy.savez},
 * stored, or {@code savez_compressed}, deflated) of {@code .npy} arrays, each a magic string, a
 * format version (1.0, 2.0 or 3.0), a Python-literal header ({@code {'descr': '<f8',
 * 'fortran_order': False, 'shape': (4000, 40), }}) and the raw values.
 *
 * <p>The format is small and fully specified (numpy.lib.format), and the reader has to say which
 * array, row and value is wrong in one line; the Java readers at hand either decode through
 * native code that has no such messages (ND4J) or pull in a Kotlin runtime for the same few
 * lines, so it is read here. Supported: little- and big-endian integers (signed and unsigned, 1
 * to 8 bytes), float32 and float64, C and Fortran order. Refused with a message: object arrays
 * (what NumPy makes of ragged lists, stored pickled), structured and string dtypes.
 */
public final class NpzReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern TYPESTR = Pattern.compile("([<>|=])([a-zA-Z])(\\d+)");

  private NpzReader() {}

  /**
   * The examples of {@code file}: features from array {@code features} ({@code (n, inputDim)},
   * or {@code (n, ...)} whose trailing dimensions multiply to {@code inputDim}), labels from
   * array {@code labels} ({@code (n,)}, integers in {@code 0 .. classes-1}). Every failure is a
   * one-line {@link DataException} naming the file and array.
   */
  public static Examples read(Path file, String features, String labels, int inputDim,
      int classes) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Npy x = array(file, zip, features);
      Npy y = array(file, zip, labels);
      if (x.shape.length < 2) {
        throw new DataException("data file " + file + ": array '" + features + "' has shape "
            + shape(x.shape) + "; features need one row per example, shape (n, " + inputDim
            + ")");
      }
      long perRow = 1;
      for (int i = 1; i < x.shape.length; i++) {
        perRow *= x.shape[i];
      }
      if (perRow != inputDim) {
        throw new DataException("data file " + file + ": array '" + features + "' has shape "
            + shape(x.shape) + ", " + perRow + " features per example; dataset.input_dim is "
            + inputDim);
      }
      long n = x.shape[0];
      if (n == 0) {
        throw new DataException("data file " + file + ": array '" + features + "' holds no "
            + "examples (shape " + shape(x.shape) + ")");
      }
      boolean column = y.shape.length == 2 && y.shape[1] == 1;
      if (y.shape.length != 1 && !column) {
        throw new DataException("data file " + file + ": array '" + labels + "' has shape "
            + shape(y.shape) + "; labels need shape (n,), one class index per example");
      }
      if (y.shape[0] != n) {
        throw new DataException("data file " + file + ": array '" + features + "' has " + n
            + " examples but array '" + labels + "' has " + y.shape[0] + " labels");
      }
      if (y.kind != 'i' && y.kind != 'u') {
        throw new DataException("data file " + file + ": array '" + labels + "' is of dtype "
            + y.descr + "; labels must be integers (class indices 0.." + (classes - 1) + ")");
      }
      float[] f = new float[Math.toIntExact(n * inputDim)];
      for (int i = 0; i < f.length; i++) {
        double v = x.get(i);
        if (!ExampleChecks.fitsFloat(v)) {
          String at = x.shape.length == 2 ? "[" + i / inputDim + ", " + i % inputDim + "]"
              : "[" + i / inputDim + "] (feature " + i % inputDim + ")";
          throw ExampleChecks.badFeature("data file " + file + ": " + features + at, v);
        }
        f[i] = (float) v;
      }
      int[] l = new int[(int) n];
      for (int i = 0; i < l.length; i++) {
        long v = y.getLong(i);
        if (v < 0 || v >= classes) {
          throw ExampleChecks.badLabel("data file " + file + ": " + labels + "[" + i + "]", v,
              classes);
        }
        l[i] = (int) v;
      }
      return new Examples(f, l, inputDim, classes);
    } catch (ZipException e) {
      throw new DataException("data file " + file + ": not a .npz file (not a zip archive of "
          + "NumPy arrays)");
    } catch (IOException e) {
      throw new DataException("data file " + file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /** The names of the arrays of an archive, as NumPy's {@code np.load(f).files} lists them. */
  private static List<String> names(ZipFile zip) {
    List<String> out = new ArrayList<>();
    for (ZipEntry e : Collections.list(zip.entries())) {
      String n = e.getName();
      out.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
    }
    return out;
  }

  private static Npy array(Path file, ZipFile zip, String name) throws IOException {
    ZipEntry e = zip.getEntry(name + ".npy");
    if (e == null) {
      throw new DataException("data file " + file + ": no array '" + name + "' (it holds "
          + String.join(", ", names(zip)) + ")");
    }
    try (InputStream in = zip.getInputStream(e)) {
      return Npy.read(in, "data file " + file + ": array '" + name + "'");
    } catch (EOFException | ZipException ex) {
      throw new DataException("data file " + file + ": array '" + name + "' is truncated");
    }
  }

  private static String shape(long[] s) {
    if (s.length == 1) {
      return "(" + s[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < s.length; i++) {
      sb.append(i > 0 ? ", " : "").append(s[i]);
    }
    return sb.append(')').toString();
  }

  /** One {@code .npy} array: its dtype, shape and raw values. */
  static final class Npy {
    final String descr;
    final char kind;
    final int size;
    final boolean fortran;
    final long[] shape;
    final ByteBuffer data;

    private Npy(String descr, char kind, int size, boolean fortran, long[] shape,
        ByteBuffer data) {
      this.descr = descr;
      this.kind = kind;
      this.size = size;
      this.fortran = fortran;
      this.shape = shape;
      this.data = data;
    }

    /** Reads an array; {@code what} names it in errors ("data file F: array 'x'"). */
    static Npy read(InputStream in, String what) throws IOException {
      byte[] magic = in.readNBytes(MAGIC.length + 2);
      if (magic.length < MAGIC.length + 2
          || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
        throw new DataException(what + " is not a NumPy .npy array (no \\x93NUMPY magic)");
      }
      int major = magic[MAGIC.length];
      if (major < 1 || major > 3) {
        throw new DataException(what + ": .npy format version " + major + "."
            + magic[MAGIC.length + 1] + " is not supported (1.0 to 3.0 are)");
      }
      byte[] len = readFully(in, major == 1 ? 2 : 4);
      ByteBuffer lb = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = major == 1 ? lb.getShort() & 0xffff : lb.getInt() & 0xffffffffL;
      if (headerLength > 1 << 20) {
        throw new DataException(what + ": header of " + headerLength + " bytes is not a .npy "
            + "header");
      }
      String header = new String(readFully(in, (int) headerLength),
          major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Matcher d = DESCR.matcher(header);
      Matcher f = FORTRAN.matcher(header);
      Matcher s = SHAPE.matcher(header);
      if (!d.find() || !f.find() || !s.find()) {
        throw new DataException(what + ": unreadable .npy header " + header.strip());
      }
      if (d.group(2) == null) {
        throw new DataException(what + " has a structured dtype (fields); a plain numeric "
            + "array is needed");
      }
      String descr = d.group(2);
      if (descr.matches("[<>|=]?O\\d*")) {
        throw new DataException(what + " holds Python objects (dtype " + descr + "), as NumPy "
            + "stores a ragged array; every example needs the same number of features, as one "
            + "numeric array");
      }
      Matcher t = TYPESTR.matcher(descr);
      if (!t.matches()) {
        throw new DataException(what + " is of dtype " + descr + ", not a numeric array");
      }
      char kind = t.group(2).charAt(0);
      int size = Integer.parseInt(t.group(3));
      boolean numeric = (kind == 'f' && (size == 4 || size == 8))
          || ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4
              || size == 8));
      if (!numeric) {
        throw new DataException(what + " is of dtype " + descr + ", not a numeric array "
            + "(integers or float32/float64)");
      }
      String[] dims = s.group(1).split(",");
      List<Long> shape = new ArrayList<>();
      for (String dim : dims) {
        if (!dim.isBlank()) {
          try {
            shape.add(Long.parseLong(dim.strip().replace("L", "")));
          } catch (NumberFormatException e) {
            throw new DataException(what + ": unreadable .npy shape (" + s.group(1) + ")");
          }
        }
      }
      long count = 1;
      for (long dim : shape) {
        if (dim < 0) {
          throw new DataException(what + ": negative dimension in shape (" + s.group(1) + ")");
        }
        count = Math.multiplyExact(count, dim);
      }
      if (count * size > Integer.MAX_VALUE - 8) {
        throw new DataException(what + " holds " + count + " values, more than one array "
            + "takes (at most " + (Integer.MAX_VALUE - 8) / size + " of " + size + " bytes)");
      }
      ByteBuffer data = ByteBuffer.wrap(readFully(in, (int) (count * size)));
      char order = t.group(1).charAt(0);
      data.order(order == '>' ? ByteOrder.BIG_ENDIAN
          : order == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder());
      return new Npy(descr, kind, size, f.group(1).equals("True"),
          shape.stream().mapToLong(Long::longValue).toArray(), data);
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new EOFException();
      }
      return b;
    }

    /** The value at flat index {@code i} in C (row-major) order, as a double. */
    double get(long i) {
      int at = offset(i);
      return switch (kind) {
        case 'f' -> size == 4 ? data.getFloat(at) : data.getDouble(at);
        case 'u' -> size == 8 ? unsigned(data.getLong(at)) : getLong(i);
        default -> getLong(i);
      };
    }

    /** The integer at flat index {@code i} in C order (an unsigned 64-bit one above 2^63-1
     * comes back negative, and so out of any class range). */
    long getLong(long i) {
      int at = offset(i);
      return switch (size) {
        case 1 -> kind == 'u' ? data.get(at) & 0xffL : data.get(at);
        case 2 -> kind == 'u' ? data.getShort(at) & 0xffffL : data.getShort(at);
        case 4 -> kind == 'u' ? data.getInt(at) & 0xffffffffL : data.getInt(at);
        default -> data.getLong(at);
      };
    }

    private static double unsigned(long v) {
      return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
    }

    /** Byte offset of C-order flat index {@code i}, through Fortran order when stored so. */
    private int offset(long i) {
      if (!fortran || shape.length < 2) {
        return (int) (i * size);
      }
      long rest = i;
      long f = 0;
      long stride = 1;
      long[] idx = new long[shape.length];
      for (int k = shape.length - 1; k >= 0; k--) {
        idx[k] = rest % shape[k];
        rest /= shape[k];
      }
      for (int k = 0; k < shape.length; k++) {
        f += idx[k] * stride;
        stride *= shape[k];
      }
      return (int) (f * size);
    }
  }
}
