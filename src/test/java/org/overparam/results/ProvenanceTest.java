package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The commit a run records names the build's state: dirty trees are marked, unknowns said. */
class ProvenanceTest {
  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void cleanDirtyAndUnknownBuilds() {
    assertThat(Provenance.of(props("git.commit.id", "abc123", "git.dirty", "false",
        "version", "1.2"), "local[2]", "app-1"))
        .isEqualTo(new Provenance("abc123", "1.2", "local[2]", "app-1"));
    assertThat(Provenance.of(props("git.commit.id", "abc123", "git.dirty", "true"), "m", "a")
        .gitCommit()).isEqualTo("abc123-dirty");
    // built outside a git checkout: the placeholders stay unfiltered
    assertThat(Provenance.of(props("git.commit.id", "${git.commit.id}", "git.dirty",
        "${git.dirty}"), "m", "a").gitCommit()).isEqualTo("unknown");
    assertThat(Provenance.of(new Properties(), "m", "a").version()).isEqualTo("unknown");
  }

  @Test
  void thisBuildRecordsItsCommit() {
    String commit = Provenance.of("m", "a").gitCommit();
    assertThat(commit).matches("[0-9a-f]{40}(-dirty)?|unknown");
  }
}
