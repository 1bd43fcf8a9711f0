package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.overparam.config.ConfigException;

/** The master URLs train accepts before Spark starts; the refusals are in BadInputTest. */
class SparkSessionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"local", "local[1]", "local[16]", "local[*]", "local[4,2]",
      "local[*,3]", "local[2 , 3]", "local-cluster[2,1,1024]", "local-cluster[ 2, 1, 512 ]",
      "spark://h:7077", "spark://10.0.0.1:7077", "spark://a.example.com:7077,b:7078",
      "spark://[::1]:7077", "yarn", "k8s://https://h:6443", "k8s://h:443",
      "k8s://http://127.0.0.1:8001", "k8s://https://api.example.com"})
  void acceptsEveryFormSparkRuns(String master) {
    assertThat(SparkSessions.problem(master)).isNull();
    assertThat(SparkSessions.master(master)).isEqualTo(master);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "local[]", "local[0]", "local[*,0]", "local[2,]", "local[2]x",
      "local[99999999999]", "Local[2]", "local-cluster[0,1,1024]", "local-cluster[2,1]",
      "spark://", "spark://h", "spark://h:", "spark://:7077", "spark://h:65536",
      "spark://h:7077/path", "spark://h_1:7077", "spark://h:7077,,b:1", "yarn-cluster",
      "yarn ", "k8s://", "k8s://https://", "k8s://ftp://h:1", "k8s://https://u@h:1",
      "mesos://h:5050", "h:7077"})
  void refusesWhatIsNot(String master) {
    assertThat(SparkSessions.problem(master)).isNotNull();
    assertThatThrownBy(() -> SparkSessions.master(master)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--master " + master + ": ");
  }

  @Test
  void readsEveryStandaloneMasterOfTheUrl() {
    assertThat(SparkSessions.hostPorts("spark://a:7077,[::1]:7078,10.0.0.2:1"))
        .containsExactly(InetSocketAddress.createUnresolved("a", 7077),
            InetSocketAddress.createUnresolved("::1", 7078),
            InetSocketAddress.createUnresolved("10.0.0.2", 1));
  }
}
