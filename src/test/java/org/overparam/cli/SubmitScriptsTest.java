package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster scripts refuse, with one line and exit code 2, to start without the settings their
 * target needs; the GPU discovery script speaks Spark's resource format.
 */
class SubmitScriptsTest {
  static final Path ROOT = Path.of(System.getProperty("overparam.root", "."));

  @TempDir
  Path tmp;

  record Result(int code, String out) {}

  static Result run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (String k : List.of("OVERPARAM_MASTER", "HADOOP_CONF_DIR", "YARN_CONF_DIR",
        "OVERPARAM_K8S_MASTER", "OVERPARAM_K8S_IMAGE", "CUDA_VISIBLE_DEVICES")) {
      pb.environment().remove(k);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  static String script(String name) {
    return ROOT.resolve("submit").resolve(name).toString();
  }

  @Test
  void eachTargetNamesTheSettingItLacks() throws Exception {
    List<Object[]> cases = List.of(
        new Object[] {Map.of(), "spark-submit-standalone.sh", "OVERPARAM_MASTER"},
        new Object[] {Map.of("OVERPARAM_MASTER", "local[2]"), "spark-submit-standalone.sh",
            "spark://host:7077"},
        new Object[] {Map.of(), "spark-submit-yarn.sh", "HADOOP_CONF_DIR"},
        new Object[] {Map.of(), "spark-submit-k8s.sh", "OVERPARAM_K8S_MASTER"},
        new Object[] {Map.of("OVERPARAM_K8S_MASTER", "k8s://https://127.0.0.1:6443"),
            "spark-submit-k8s.sh", "OVERPARAM_K8S_IMAGE"},
        new Object[] {Map.of("SPARK_HOME", tmp.toString()), "spark-submit-local.sh",
            "has no bin/spark-submit"});
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Result r = run((Map<String, String>) c[0], script((String) c[1]), "train", "x.yaml");
      assertThat(r.code()).as("%s with %s: %s", c[1], c[0], r.out()).isEqualTo(2);
      assertThat(r.out().strip()).as("%s with %s", c[1], c[0])
          .startsWith("overparam: error: ").contains((String) c[2]).doesNotContain("\n");
    }
  }

  @Test
  void gpuDiscoveryPrintsSparkResourceJson() throws Exception {
    // nvidia-smi cannot run on a machine without NVIDIA's driver: a stand-in lists three GPUs.
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\nprintf '0\\n1\\n2\\n'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    String discovery = ROOT.resolve("conf/gpu-discovery.sh").toString();
    String path = bin + ":" + System.getenv("PATH");

    assertThat(addresses(run(Map.of("PATH", path), discovery))).containsExactly("0", "1", "2");
    // Devices CUDA_VISIBLE_DEVICES hides are not there for the process: ordinals 0..n-1.
    assertThat(addresses(run(Map.of("PATH", path, "CUDA_VISIBLE_DEVICES", "5,7"), discovery)))
        .containsExactly("0", "1");
    // Without nvidia-smi (a PATH of the few tools the script needs) it fails, saying why.
    Path bare = Files.createDirectories(tmp.resolve("bare"));
    for (String tool : List.of("bash", "hostname", "grep", "tr")) {
      Result where = run(Map.of(), "sh", "-c", "command -v " + tool);
      Files.createSymbolicLink(bare.resolve(tool), Path.of(where.out().strip()));
    }
    Result none = run(Map.of("PATH", bare.toString()), discovery);
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out()).contains("nvidia-smi not found");
  }

  static List<String> addresses(Result r) throws Exception {
    assertThat(r.code()).as(r.out()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("name").asText()).isEqualTo("gpu");
    List<String> out = new ArrayList<>();
    json.path("addresses").forEach(a -> out.add(a.asText()));
    return out;
  }
}
