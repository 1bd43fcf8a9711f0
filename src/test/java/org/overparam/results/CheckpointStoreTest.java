package org.overparam.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overparam.config.RunSpec;
import org.overparam.model.Models;
import org.overparam.train.Checkpoints.Checkpoint;
import org.overparam.train.EpochMetrics;

/** Checkpoints survive what a crash or a stray file can do to their folder. */
class CheckpointStoreTest {
  @TempDir
  Path tmp;

  private static Checkpoint checkpoint(RunSpec spec, int epoch) {
    MultiLayerNetwork net = Models.build(spec, 4, 2);
    List<EpochMetrics> m = java.util.stream.IntStream.rangeClosed(1, epoch)
        .mapToObj(e -> new EpochMetrics(e, 1, 0.5, 1, 0.5, 0.1, 10, 0.01)).toList();
    return new Checkpoint(epoch, net, m);
  }

  @Test
  void keepsOnlyTheNewestAndRestoresNetworkWithOptimiserState() {
    RunSpec spec = ResultsStoreTest.runs("cp").get(0);
    CheckpointStore store = new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()));
    Checkpoint c = checkpoint(spec, 3);
    store.save(spec, checkpoint(spec, 2));
    store.save(spec, c);
    Path dir = tmp.resolve("_checkpoints/experiment=cp/" + spec.runId());
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder("epoch-000003.zip",
        "epoch-000003.json");

    Checkpoint back = store.latest(spec).orElseThrow();
    assertThat(back.epoch()).isEqualTo(3);
    assertThat(back.epochs()).isEqualTo(c.epochs());
    assertThat(back.net().params()).isEqualTo(c.net().params());
    assertThat(back.net().getUpdater().getStateViewArray())
        .isEqualTo(c.net().getUpdater().getStateViewArray());
  }

  @Test
  void anUnreadableNewestCheckpointFallsBackToAnOlderOneAndTemporaryFilesAreIgnored()
      throws Exception {
    RunSpec spec = ResultsStoreTest.runs("cp").get(1);
    CheckpointStore store = new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()));
    store.save(spec, checkpoint(spec, 4));
    Path dir = tmp.resolve("_checkpoints/experiment=cp/" + spec.runId());
    // A newer commit mark whose network is garbage, and a writer's leftover temporary file.
    Files.writeString(dir.resolve("epoch-000006.json"), Files.readString(
        dir.resolve("epoch-000004.json")).replaceFirst("\"epoch\":4", "\"epoch\":6"));
    Files.writeString(dir.resolve("epoch-000006.zip"), "not a zip");
    Files.writeString(dir.resolve(".epoch-000008.json.tmp-123"), "{partial");
    assertThat(store.latest(spec).orElseThrow().epoch()).isEqualTo(4);

    // A mark that names another run is not used.
    RunSpec other = ResultsStoreTest.runs("cp").get(2);
    Path otherDir = tmp.resolve("_checkpoints/experiment=cp/" + other.runId());
    Files.createDirectories(otherDir);
    Files.copy(dir.resolve("epoch-000004.json"), otherDir.resolve("epoch-000004.json"));
    Files.copy(dir.resolve("epoch-000004.zip"), otherDir.resolve("epoch-000004.zip"));
    assertThat(store.latest(other)).isEmpty();
  }

  @Test
  void aCheckpointThatCannotBeSavedDoesNotStopTraining() throws Exception {
    RunSpec spec = ResultsStoreTest.runs("cp").get(0);
    Files.createDirectories(tmp.resolve("_checkpoints/experiment=cp"));
    Files.writeString(tmp.resolve("_checkpoints/experiment=cp/" + spec.runId()), "a file");
    CheckpointStore store = new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()));
    store.save(spec, checkpoint(spec, 2)); // warns, does not throw
    assertThat(store.latest(spec)).isEmpty();
  }
}
