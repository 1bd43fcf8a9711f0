package org.overparam.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.regex.Pattern;

/**
 * A text as a sequence of vocabulary indices, split by position into a training part (the first
 * tokens) and a validation part (the rest), cut into next-token examples on demand. Tokens are
 * characters (Unicode code points; the vocabulary is the text's sorted set of them) or bytes
 * (the vocabulary is all 256 byte values, index = byte value).
 *
 * <p>Next-token examples ({@link #train}, {@link #validation}): one whose target is the token at
 * position {@code t} has as features the indices of the {@code context} tokens
 * {@code t - context .. t - 1}, as floats; its label is the index of the token at {@code t}.
 * Targets are the positions at least {@code context} into their part, so no window crosses from
 * one part into the other.
 *
 * <p>Windows ({@link #trainWindows}, {@link #validationWindows}), for models that predict every
 * position: a part cut into consecutive non-overlapping windows of {@code context} tokens, the
 * k-th starting {@code k x context} tokens into the part; a window's features are its tokens and
 * its labels the tokens one position later (the last label is the token after the window, so a
 * part of L tokens offers {@code floor((L - 1) / context)} windows). One window is
 * {@code context} predicted tokens.
 */
public final class TextCorpus {
  /** A verse label as {@code bible -f} prints it: optional book number, book, chapter:verse. */
  private static final Pattern VERSE_LABEL = Pattern.compile("^[1-3]?[A-Za-z]+\\d+:\\d+ ");

  /** Predicted tokens per chunk a next-token training set is assembled from. */
  public static final int CHUNK = 1024;

  /** Distinct values of a byte token. */
  public static final int BYTES = 256;

  private final String source;
  private final int[] vocabulary;
  private final int[] tokens;
  private final int trainEnd;
  private final int context;

  private TextCorpus(String source, int[] vocabulary, int[] tokens, int trainEnd, int context) {
    this.source = source;
    this.vocabulary = vocabulary;
    this.tokens = tokens;
    this.trainEnd = trainEnd;
    this.context = context;
  }

  /**
   * Reads {@code file} as UTF-8 characters, stripping verse labels if every non-blank line has
   * one, and splits it so that the last {@code round(validationFraction x characters)} are
   * validation.
   */
  public static TextCorpus read(Path file, int context, double validationFraction) {
    return read(file, context, validationFraction, false);
  }

  /**
   * Reads {@code file} as characters, or with {@code bytes} as bytes: then any file will do, and
   * one that is UTF-8 has its verse labels stripped as for characters before it is split.
   */
  public static TextCorpus read(Path file, int context, double validationFraction,
      boolean bytes) {
    if (!bytes) {
      return of(strip(readText(file)), file.toString(), context, validationFraction);
    }
    byte[] raw = readBytes(file);
    String text = utf8(raw);
    byte[] b = text == null ? raw : strip(text).getBytes(StandardCharsets.UTF_8);
    return ofBytes(b, file.toString(), context, validationFraction);
  }

  /** A corpus over {@code text} itself; {@code source} names it in errors. */
  public static TextCorpus of(String text, String source, int context,
      double validationFraction) {
    int[] cps = text.codePoints().toArray();
    if (cps.length == 0) {
      throw new DataException("dataset.path " + source + ": the corpus is empty");
    }
    int[] vocabulary = Arrays.stream(cps).distinct().sorted().toArray();
    if (vocabulary.length < 2) {
      throw new DataException("dataset.path " + source + ": the corpus has "
          + vocabulary.length + " distinct character; at least 2 are needed");
    }
    int[] tokens = new int[cps.length];
    for (int i = 0; i < cps.length; i++) {
      tokens[i] = Arrays.binarySearch(vocabulary, cps[i]);
    }
    return split(source, vocabulary, tokens, context, validationFraction, "characters");
  }

  /** A corpus over the bytes {@code b}, every byte value in the vocabulary. */
  public static TextCorpus ofBytes(byte[] b, String source, int context,
      double validationFraction) {
    if (b.length == 0) {
      throw new DataException("dataset.path " + source + ": the corpus is empty");
    }
    int[] vocabulary = new int[BYTES];
    for (int i = 0; i < BYTES; i++) {
      vocabulary[i] = i;
    }
    int[] tokens = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      tokens[i] = b[i] & 0xFF;
    }
    return split(source, vocabulary, tokens, context, validationFraction, "bytes");
  }

  private static TextCorpus split(String source, int[] vocabulary, int[] tokens, int context,
      double validationFraction, String unit) {
    int validation = (int) Math.round(validationFraction * tokens.length);
    int trainEnd = tokens.length - validation;
    if (trainEnd - context < 1 || validation - context < 1) {
      throw new DataException("dataset.path " + source + ": " + tokens.length + " " + unit
          + " are too few for context " + context + " and validation_fraction "
          + validationFraction + " (each part needs more than context " + unit + ")");
    }
    return new TextCorpus(source, vocabulary, tokens, trainEnd, context);
  }

  private static byte[] readBytes(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("dataset.path " + file + ": no such file (submit/setup writes "
          + "data/kjv.txt from Debian's bible-kjv; or set dataset.path to any UTF-8 text)");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DataException("dataset.path " + file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /** {@code b} decoded as UTF-8, or null if it is not UTF-8. */
  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String readText(Path file) {
    String text = utf8(readBytes(file));
    if (text == null) {
      throw new DataException("dataset.path " + file + ": not UTF-8 text (dataset.tokens: byte "
          + "reads any file)");
    }
    return text;
  }

  /**
   * The text without verse labels if every non-blank line starts with one (the output of
   * {@code bible -f}); any other text unchanged.
   */
  static String strip(String text) {
    List<String> lines = text.lines().toList();
    boolean labelled = lines.stream().anyMatch(l -> !l.isBlank())
        && lines.stream().allMatch(l -> l.isBlank() || VERSE_LABEL.matcher(l).find());
    if (!labelled) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (String l : lines) {
      sb.append(VERSE_LABEL.matcher(l).replaceFirst("")).append('\n');
    }
    return sb.toString();
  }

  /** Vocabulary size: the number of distinct characters (256 for bytes), the classes. */
  public int vocabularySize() {
    return vocabulary.length;
  }

  /** The character (code point) or byte value of vocabulary index {@code i}. */
  public int character(int i) {
    return vocabulary[i];
  }

  /** Characters of context per example. */
  public int context() {
    return context;
  }

  /** Characters in the training part. */
  public int trainCharacters() {
    return trainEnd;
  }

  /** Characters in the validation part. */
  public int validationCharacters() {
    return tokens.length - trainEnd;
  }

  /** Examples the training part offers: its characters after the first {@code context}. */
  public int trainTargets() {
    return trainEnd - context;
  }

  /** Examples the validation part offers. */
  public int validationTargets() {
    return tokens.length - trainEnd - context;
  }

  /**
   * {@code size} training examples: the training part's targets cut into consecutive chunks of
   * {@link #CHUNK}, the chunks taken in the order of a permutation drawn by the seed's "subset"
   * stream, the last one cut short to give exactly {@code size}. Text stays contiguous within a
   * chunk, as in a language model's training sequences, while even a small set samples the whole
   * training part rather than one stretch of it. For one seed, smaller sets are prefixes of larger.
   */
  public Examples train(int size, long seed) {
    int n = trainTargets();
    if (size > n) {
      throw new DataException("train_sizes: " + size + " exceeds the " + n
          + " training characters of " + source);
    }
    int chunks = (n + CHUNK - 1) / CHUNK;
    int[] order = Seeds.permutation(chunks, Seeds.rng(seed, "subset"));
    int[] targets = new int[size];
    int filled = 0;
    for (int k = 0; filled < size; k++) {
      int start = context + order[k] * CHUNK;
      int end = Math.min(start + CHUNK, trainEnd);
      for (int t = start; t < end && filled < size; t++) {
        targets[filled++] = t;
      }
    }
    return windows(size, i -> targets[i]);
  }

  /** The first {@code max} validation examples (all of them if fewer). */
  public Examples validation(int max) {
    int count = Math.min(max, validationTargets());
    return windows(count, i -> trainEnd + context + i);
  }

  /** Whole windows the training part offers. */
  public int trainWindowCount() {
    return (trainEnd - 1) / context;
  }

  /** Whole windows the validation part offers. */
  public int validationWindowCount() {
    return (tokens.length - trainEnd - 1) / context;
  }

  /**
   * {@code size / context} training windows (so {@code size} predicted tokens): the training
   * part's windows taken in the order of a permutation drawn by the seed's "subset" stream. For
   * one seed, smaller sets are prefixes of larger ones.
   */
  public Examples trainWindows(int size, long seed) {
    if (size % context != 0) {
      throw new DataException("train_sizes: " + size + " is not a multiple of context "
          + context + " (whole windows)");
    }
    int n = trainWindowCount();
    if (size / context > n) {
      throw new DataException("train_sizes: " + size + " exceeds the " + (long) n * context
          + " tokens in whole windows of " + source);
    }
    int[] order = Seeds.permutation(n, Seeds.rng(seed, "subset"));
    return sequences(size / context, k -> order[k] * context);
  }

  /**
   * The first validation windows holding {@code max} predicted tokens, rounded down to whole
   * windows but at least one (all of them if the part is shorter).
   */
  public Examples validationWindows(int max) {
    int count = Math.min(validationWindowCount(), Math.max(1, max / context));
    return sequences(count, k -> trainEnd + k * context);
  }

  private Examples sequences(int count, IntUnaryOperator start) {
    if ((long) count * context > Integer.MAX_VALUE - 8) {
      throw new DataException("dataset " + source + ": " + count + " windows of " + context
          + " tokens exceed one array; use fewer train_sizes or a shorter context");
    }
    float[] x = new float[count * context];
    int[] y = new int[count * context];
    for (int k = 0; k < count; k++) {
      int s0 = start.applyAsInt(k);
      for (int j = 0; j < context; j++) {
        x[k * context + j] = tokens[s0 + j];
        y[k * context + j] = tokens[s0 + j + 1];
      }
    }
    return new Examples(x, y, context, vocabulary.length, context);
  }

  private Examples windows(int count, IntUnaryOperator target) {
    if ((long) count * context > Integer.MAX_VALUE - 8) {
      throw new DataException("dataset " + source + ": " + count + " examples of context "
          + context + " exceed one array; use fewer train_sizes or a shorter context");
    }
    float[] x = new float[count * context];
    int[] y = new int[count];
    for (int i = 0; i < count; i++) {
      int t = target.applyAsInt(i);
      for (int j = 0; j < context; j++) {
        x[i * context + j] = tokens[t - context + j];
      }
      y[i] = tokens[t];
    }
    return new Examples(x, y, context, vocabulary.length);
  }
}
