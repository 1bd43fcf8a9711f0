package org.overparam.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the OpenBLAS core type a process was told to use ({@code OPENBLAS_CORETYPE}) against
 * the CPU it runs on. The launcher names the core type of its own machine, because the OpenBLAS
 * bundled with ND4J misreads recent CPUs as 'Prescott' and runs several times slower; executors
 * inherit that choice, and OpenBLAS obeys a forced type without checking: on a machine without
 * the instructions it would die of an illegal instruction. Checked before ND4J loads, the
 * mismatch becomes a one-line error instead.
 */
public final class Blas {
  private Blas() {}

  /** The CPU feature (Linux /proc/cpuinfo flag) a core type's kernels need; null if none. */
  static String requiredFlag(String coreType) {
    return switch (coreType.trim().toUpperCase(Locale.ROOT)) {
      case "SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS" -> "avx512f";
      case "HASWELL", "ZEN" -> "avx2";
      case "SANDYBRIDGE", "BULLDOZER", "PILEDRIVER", "STEAMROLLER", "EXCAVATOR" -> "avx";
      default -> null;
    };
  }

  /** The core type to use on a CPU with {@code flags}, as submit/lib/common.sh chooses it. */
  public static String coreTypeFor(Set<String> flags) {
    if (flags.contains("avx512f") && flags.contains("avx512bw")) {
      return "SKYLAKEX";
    }
    return flags.contains("avx2") ? "HASWELL" : null;
  }

  /**
   * Throws if {@code coreType} needs instructions that a CPU with {@code flags} lacks. Unknown
   * CPUs (no flags read) and unset or unknown core types pass.
   */
  static void check(String coreType, Set<String> flags, String where) {
    if (coreType == null || coreType.isBlank() || flags.isEmpty()) {
      return;
    }
    String need = requiredFlag(coreType);
    if (need != null && !flags.contains(need)) {
      throw new IllegalStateException("OPENBLAS_CORETYPE=" + coreType + " needs the CPU feature "
          + need + ", which " + where + " lacks; unset it there, or set "
          + "spark.executorEnv.OPENBLAS_CORETYPE to a type every worker supports"
          + (coreTypeFor(flags) == null ? "" : " (" + coreTypeFor(flags) + " here)"));
    }
  }

  /** Checks this process's {@code OPENBLAS_CORETYPE}; call before anything loads ND4J. */
  public static void checkCoreType() {
    check(System.getenv("OPENBLAS_CORETYPE"), cpuFlags(), "this machine");
  }

  /** The flags of the first processor in /proc/cpuinfo; empty where there is none. */
  static Set<String> cpuFlags() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
              .collect(Collectors.toUnmodifiableSet()))
          .orElse(Set.of());
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }
}
