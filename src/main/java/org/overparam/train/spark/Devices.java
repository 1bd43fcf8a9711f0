package org.overparam.train.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds a task to the device Spark assigned it. A task given a GPU address binds ND4J's device to
 * it when the CUDA backend is present; on the CPU backend it says so once and trains on the CPU.
 */
final class Devices {
  private static volatile boolean warned;

  private Devices() {}

  /** The device name recorded with the run: {@code cpu}, {@code gpu:<address>} or a fallback. */
  static String bind(TaskContext ctx) {
    if (ctx == null) {
      return "cpu";
    }
    scala.Option<ResourceInformation> gpu = ctx.resources().get("gpu");
    if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
      return "cpu";
    }
    String address = gpu.get().addresses()[0];
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    // The CUDA backend (JCublasBackend) binds the calling thread, which trains the whole run.
    if (!Nd4j.getEnvironment().isCPU()) {
      int id;
      try {
        id = Integer.parseInt(address.trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException("GPU address '" + address + "' is not a CUDA device "
            + "number (check the GPU discovery script)");
      }
      Nd4j.getAffinityManager().unsafeSetDevice(id);
      return "gpu:" + address;
    }
    if (!warned) {
      warned = true;
      System.err.println("overparam: task " + ctx.taskAttemptId() + " was assigned GPU " + address
          + " but ND4J backend is " + backend + "; training on the CPU");
    }
    return "cpu (gpu:" + address + " assigned)";
  }
}
