package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command's --help: printed whole, exit 0, without picocli's format warnings. */
class HelpTest {
  @ParameterizedTest(name = "{0} --help")
  @ValueSource(strings = {"train", "analyze", "report", "fit-scaling"})
  void helpIsPrintedWithEveryDescriptionFormatted(String command) {
    StringWriter out = new StringWriter();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    // picocli's tracer writes its warnings to System.err, not to the command's error writer.
    synchronized (HelpTest.class) {
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      try {
        code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
            command, "--help");
      } finally {
        System.setErr(saved);
      }
    }
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("Usage: overparam " + command);
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
  }
}
