package org.overparam.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overparam.config.DatasetConfig;
import org.overparam.data.Augmentation.Offset;

/** The transform itself: known images and sequences moved by known offsets, drawn per seed. */
class AugmentationTest {
  static final DatasetConfig.Shifts IMAGES = new DatasetConfig.FashionMnist(null, null).shifts();
  static final DatasetConfig.Shifts SEQUENCES = new DatasetConfig.Npz("a.npz", "b.npz", null,
      null, null, null, 10, 3, null).shifts();

  /** A 28x28 image whose pixel (y, x) is 1 + 28y + x: every pixel non-zero and distinct. */
  static float[] numbered() {
    float[] img = new float[28 * 28];
    for (int i = 0; i < img.length; i++) {
      img[i] = 1 + i;
    }
    return img;
  }

  static float at(float[] img, int y, int x) {
    return img[y * 28 + x];
  }

  static float[] moved(float[] src, DatasetConfig.Shifts s, Offset o) {
    float[] out = new float[src.length];
    Augmentation.move(src, 0, out, 0, s, o);
    return out;
  }

  @Test
  void anImageIsTranslatedWithZeroFill() {
    float[] img = numbered();
    // Two columns right, one row up.
    float[] out = moved(img, IMAGES, new Offset(2, -1, false));
    assertThat(at(out, 0, 2)).isEqualTo(at(img, 1, 0));
    assertThat(at(out, 10, 20)).isEqualTo(at(img, 11, 18));
    assertThat(at(out, 26, 27)).isEqualTo(at(img, 27, 25));
    // The two columns moved in on the left and the row moved in at the bottom are 0.
    for (int y = 0; y < 28; y++) {
      assertThat(at(out, y, 0)).isZero();
      assertThat(at(out, y, 1)).isZero();
      assertThat(at(out, 27, y)).isZero();
    }
    long zeros = 0;
    for (float v : out) {
      zeros += v == 0 ? 1 : 0;
    }
    assertThat(zeros).isEqualTo(28 + 2 * 27);
    assertThat(img).isEqualTo(numbered()); // the source is never written
  }

  @Test
  void anImageIsMirroredBeforeItIsMoved() {
    float[] img = numbered();
    float[] mirrored = moved(img, IMAGES, new Offset(0, 0, true));
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        assertThat(at(mirrored, y, x)).isEqualTo(at(img, y, 27 - x));
      }
    }
    float[] both = moved(img, IMAGES, new Offset(-3, 2, true));
    assertThat(at(both, 2, 0)).isEqualTo(at(mirrored, 0, 3));
    assertThat(at(both, 1, 5)).isZero();
    assertThat(at(both, 5, 25)).isZero();
  }

  @Test
  void aSequenceIsRotatedCircularly() {
    float[] seq = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertThat(moved(seq, SEQUENCES, new Offset(3, 0, false)))
        .containsExactly(7, 8, 9, 0, 1, 2, 3, 4, 5, 6);
    assertThat(moved(seq, SEQUENCES, new Offset(-2, 0, false)))
        .containsExactly(2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
    assertThat(moved(seq, SEQUENCES, new Offset(0, 0, false))).containsExactly(seq);
  }

  @Test
  void offsetsAreTheRunSeedsPerEpochAndWithinTheShift() {
    Augmentation a = new Augmentation(2, IMAGES, 7);
    Offset[] o = a.offsets(500, 3);
    assertThat(a.offsets(500, 3)).containsExactly(o);
    assertThat(new Augmentation(2, IMAGES, 7).offsets(500, 4)).isNotEqualTo(o);
    assertThat(new Augmentation(2, IMAGES, 8).offsets(500, 3)).isNotEqualTo(o);
    // The first examples' offsets do not depend on how many examples there are.
    assertThat(a.offsets(10, 3)).containsExactly(Arrays.copyOf(o, 10));
    Set<List<Integer>> seen = new HashSet<>();
    Set<Boolean> flips = new HashSet<>();
    for (Offset x : o) {
      assertThat(x.dx()).isBetween(-2, 2);
      assertThat(x.dy()).isBetween(-2, 2);
      seen.add(List.of(x.dx(), x.dy()));
      flips.add(x.flip());
    }
    assertThat(seen).hasSize(25);
    assertThat(flips).containsExactlyInAnyOrder(true, false);
    // Sequences move along one axis and are never mirrored.
    for (Offset x : new Augmentation(3, SEQUENCES, 7).offsets(500, 3)) {
      assertThat(x.dx()).isBetween(-3, 3);
      assertThat(x.dy()).isZero();
      assertThat(x.flip()).isFalse();
    }
  }

  @Test
  void anExampleMovesTheSameWayWhereverItsBatchPutsIt() {
    int n = 6;
    float[] f = new float[n * 784];
    for (int i = 0; i < f.length; i++) {
      f[i] = 1 + (i * 31) % 255;
    }
    Examples train = new Examples(f, new int[] {0, 1, 2, 3, 4, 5}, 784, 10);
    Augmentation a = new Augmentation(2, IMAGES, 11);
    int[] identity = {0, 1, 2, 3, 4, 5};
    int[] shuffled = {4, 0, 5, 2, 1, 3};
    float[] inOrder = a.features(train, identity, 5);
    float[] reordered = a.features(train, shuffled, 5);
    Offset[] o = a.offsets(n, 5);
    for (int j = 0; j < n; j++) {
      int i = shuffled[j];
      assertThat(Arrays.copyOfRange(reordered, j * 784, (j + 1) * 784))
          .containsExactly(Arrays.copyOfRange(inOrder, i * 784, (i + 1) * 784));
      float[] one = new float[784];
      Augmentation.move(f, i * 784, one, 0, IMAGES, o[i]);
      assertThat(Arrays.copyOfRange(inOrder, i * 784, (i + 1) * 784)).containsExactly(one);
    }
    assertThat(a.features(train, identity, 6)).isNotEqualTo(inOrder);
    // Without augmentation the rows are copied as they are; the set itself is never changed.
    assertThat(new Augmentation(0, IMAGES, 11).features(train, shuffled, 5))
        .containsExactly(train.rows(shuffled, null).features());
    float[] before = f.clone();
    a.features(train, shuffled, 7);
    assertThat(train.features()).containsExactly(before);
  }
}
