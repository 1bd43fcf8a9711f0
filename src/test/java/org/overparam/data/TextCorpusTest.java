package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.DatasetConfig;

/** Reads a real excerpt of the King James text as {@code bible -f} prints it. */
class TextCorpusTest {
  static final int CONTEXT = 8;

  @TempDir
  Path tmp;

  static Path genesis() throws Exception {
    return Path.of(TextCorpusTest.class.getResource("/text/genesis-1-3.kjv").toURI());
  }

  /** The characters of an example's window and target, decoded back to text. */
  static String decode(TextCorpus c, Examples ex, int row) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < ex.dim(); j++) {
      sb.appendCodePoint(c.character((int) ex.features()[row * ex.dim() + j]));
    }
    return sb.appendCodePoint(c.character(ex.labels()[row])).toString();
  }

  @Test
  void stripsVerseLabelsAndBuildsTheSortedVocabulary() throws Exception {
    String raw = Files.readString(genesis());
    String text = TextCorpus.strip(raw);
    assertThat(raw).startsWith("Ge1:1 In the beginning");
    assertThat(text).startsWith("In the beginning God created the heaven and the earth.\nAnd the")
        .doesNotContain("Ge1:").doesNotContain("Ge3:24");
    assertThat(text.lines().count()).isEqualTo(raw.lines().count());

    TextCorpus c = TextCorpus.read(genesis(), CONTEXT, 0.1);
    String expected = text.codePoints().distinct().sorted()
        .mapToObj(Character::toString).collect(Collectors.joining());
    StringBuilder vocab = new StringBuilder();
    for (int i = 0; i < c.vocabularySize(); i++) {
      vocab.appendCodePoint(c.character(i));
    }
    assertThat(vocab.toString()).isEqualTo(expected);
    assertThat(c.vocabularySize()).isBetween(40, 70);
  }

  @Test
  void splitsByPositionAndCutsWindowsOfTheRealText() throws Exception {
    String text = TextCorpus.strip(Files.readString(genesis()));
    int n = text.codePointCount(0, text.length());
    TextCorpus c = TextCorpus.read(genesis(), CONTEXT, 0.1);
    assertThat(c.validationCharacters()).isEqualTo(Math.round(0.1 * n));
    assertThat(c.trainCharacters() + c.validationCharacters()).isEqualTo(n);
    assertThat(c.trainTargets()).isEqualTo(c.trainCharacters() - CONTEXT);

    // Validation examples: consecutive windows of the last part, none reaching into the first.
    String validationPart = text.substring(c.trainCharacters());
    Examples val = c.validation(Integer.MAX_VALUE);
    assertThat(val.count()).isEqualTo(c.validationTargets());
    for (int i = 0; i < val.count(); i += 97) {
      assertThat(decode(c, val, i)).isEqualTo(validationPart.substring(i, i + CONTEXT + 1));
    }
    assertThat(c.validation(10).count()).isEqualTo(10);

    // Training examples: every window is a piece of the training part; labels follow windows.
    String trainPart = text.substring(0, c.trainCharacters());
    Examples tr = c.train(500, 7);
    assertThat(tr.count()).isEqualTo(500);
    assertThat(tr.classes()).isEqualTo(c.vocabularySize());
    for (int i = 0; i < tr.count(); i++) {
      assertThat(trainPart).contains(decode(c, tr, i));
    }
  }

  @Test
  void trainingSetsAreDeterministicNestedPerSeedAndDifferAcrossSeeds() throws Exception {
    TextCorpus c = TextCorpus.read(genesis(), CONTEXT, 0.1);
    Examples a = c.train(1000, 3);
    Examples again = TextCorpus.read(genesis(), CONTEXT, 0.1).train(1000, 3);
    assertThat(a.features()).isEqualTo(again.features());
    assertThat(a.labels()).isEqualTo(again.labels());
    Examples small = c.train(200, 3);
    assertThat(small.labels()).isEqualTo(java.util.Arrays.copyOf(a.labels(), 200));
    assertThat(c.train(1000, 4).labels()).isNotEqualTo(a.labels());
    // Contiguous text within a chunk, a jump between chunks: 3000 examples span 3 chunks (4 if
    // the training part's shorter last chunk is among them).
    Examples three = c.train(3000, 3);
    int jumps = 0;
    for (int i = 0; i + 1 < three.count(); i++) {
      String here = decode(c, three, i);
      String next = decode(c, three, i + 1);
      if (!here.substring(1).equals(next.substring(0, CONTEXT))) {
        jumps++;
      }
    }
    assertThat(jumps).isBetween(1, 3);
    // The whole training part, from any offset, holds every target exactly once.
    Examples all = c.train(c.trainTargets(), 11);
    assertThat(java.util.Arrays.stream(all.labels()).sorted().toArray()).isEqualTo(
        java.util.Arrays.stream(c.train(c.trainTargets(), 12).labels()).sorted().toArray());
    assertThatThrownBy(() -> c.train(c.trainTargets() + 1, 0))
        .isInstanceOf(DataException.class).hasMessageContaining("train_sizes");
  }

  @Test
  void plainTextIsTakenAsIs() throws Exception {
    String plain = "Ge1:1 looks like a label here,\nbut this line has none.\n";
    Path f = tmp.resolve("plain.txt");
    Files.writeString(f, plain.repeat(5));
    TextCorpus c = TextCorpus.read(f, 4, 0.2);
    assertThat(c.trainCharacters() + c.validationCharacters()).isEqualTo(plain.length() * 5);
    assertThat(TextCorpus.strip(plain)).isEqualTo(plain);
  }

  @Test
  void badCorporaAreOneLineDataErrorsNamingTheFile() throws Exception {
    Path empty = tmp.resolve("empty.txt");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> TextCorpus.read(empty, 8, 0.1))
        .isInstanceOf(DataException.class)
        .hasMessage("dataset.path " + empty + ": the corpus is empty");
    Path missing = tmp.resolve("missing.txt");
    assertThatThrownBy(() -> TextCorpus.read(missing, 8, 0.1))
        .isInstanceOf(DataException.class).hasMessageStartingWith("dataset.path " + missing);
    Path binary = tmp.resolve("binary.txt");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
    assertThatThrownBy(() -> TextCorpus.read(binary, 8, 0.1))
        .isInstanceOf(DataException.class).hasMessageContaining("not UTF-8");
    Path shortText = tmp.resolve("short.txt");
    Files.writeString(shortText, "abcdefghij", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> TextCorpus.read(shortText, 8, 0.1))
        .isInstanceOf(DataException.class).hasMessageContaining("too few");
    assertThatThrownBy(() -> Datasets.load(new DatasetConfig.Text(empty.toString(), 8, 0.1,
        null))).isInstanceOf(DataException.class).hasMessageContaining(empty.toString());
  }

  @Test
  void datasetsDrawTextRunsByTokenCount() throws Exception {
    DatasetConfig.Text cfg = new DatasetConfig.Text(genesis().toString(), CONTEXT, 0.1, 300);
    DataSource src = Datasets.load(cfg);
    assertThat(Datasets.classes(cfg)).isEqualTo(src.text().vocabularySize());
    assertThat(src.poolSize()).isEqualTo(src.text().trainTargets());
    assertThat(src.test().count()).isEqualTo(300);
    TrainTest tt = Datasets.prepare(src, 2000, 0.0, 5);
    assertThat(tt.train().count()).isEqualTo(2000);
    assertThat(tt.train().dim()).isEqualTo(CONTEXT);
    assertThat(tt.train().labels()).isEqualTo(src.text().train(2000, 5).labels());
    TrainTest noisy = Datasets.prepare(src, 2000, 0.1, 5);
    assertThat(noisy.flipped()).isEqualTo(200);
    long changed = java.util.stream.IntStream.range(0, 2000)
        .filter(i -> noisy.train().labels()[i] != tt.train().labels()[i]).count();
    assertThat(changed).isEqualTo(200);
    assertThatThrownBy(() -> Datasets.check(cfg, src.poolSize() + 1))
        .isInstanceOf(DataException.class).hasMessageContaining("exceeds");
  }
}
