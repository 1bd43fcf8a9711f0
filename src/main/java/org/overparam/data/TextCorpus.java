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
 * characters) and a validation part (the rest), cut into next-character examples on demand.
 *
 * <p>An example whose target is the character at position {@code t} has as features the indices
 * of the {@code context} characters {@code t - context .. t - 1}, as floats; its label is the
 * index of the character at {@code t}. Targets are the positions at least {@code context} into
 * their part, so no window crosses from one part into the other.
 */
public final class TextCorpus {
  /** A verse label as {@code bible -f} prints it: optional book number, book, chapter:verse. */
  private static final Pattern VERSE_LABEL = Pattern.compile("^[1-3]?[A-Za-z]+\\d+:\\d+ ");

  /** Predicted characters per chunk a training set is assembled from. */
  public static final int CHUNK = 1024;

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
   * Reads {@code file} as UTF-8, stripping verse labels if every non-blank line has one, and
   * splits it so that the last {@code round(validationFraction x characters)} are validation.
   */
  public static TextCorpus read(Path file, int context, double validationFraction) {
    return of(strip(readText(file)), file.toString(), context, validationFraction);
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
    int validation = (int) Math.round(validationFraction * cps.length);
    int trainEnd = cps.length - validation;
    if (trainEnd - context < 1 || validation - context < 1) {
      throw new DataException("dataset.path " + source + ": " + cps.length + " characters are "
          + "too few for context " + context + " and validation_fraction " + validationFraction
          + " (each part needs more than context characters)");
    }
    return new TextCorpus(source, vocabulary, tokens, trainEnd, context);
  }

  private static String readText(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("dataset.path " + file + ": no such file (submit/setup writes "
          + "data/kjv.txt from Debian's bible-kjv; or set dataset.path to any UTF-8 text)");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DataException("dataset.path " + file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new DataException("dataset.path " + file + ": unreadable (" + e.getMessage() + ")");
    }
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

  /** Vocabulary size: the number of distinct characters, the number of classes. */
  public int vocabularySize() {
    return vocabulary.length;
  }

  /** The character (code point) of vocabulary index {@code i}. */
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
