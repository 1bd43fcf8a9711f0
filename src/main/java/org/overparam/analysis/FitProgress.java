package org.overparam.analysis;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of a long scaling fit, for a person watching stderr: each phase (reading, start grid,
 * bootstrap) prints a line when it begins, and while one runs a daemon thread prints
 * {@code "<prefix>: <phase> <done>/<total>, <seconds> s"} every {@link #INTERVAL_MS} ms, so a
 * long loop is never silent for longer than that. {@link #NONE} prints nothing.
 *
 * <p>Thread-safe: {@link #step} is called from the parallel loops.
 */
public final class FitProgress implements AutoCloseable {
  /** How often the running phase is reported, in milliseconds. */
  public static final long INTERVAL_MS = 2000;
  /** Prints nothing. */
  public static final FitProgress NONE = new FitProgress(null, "");

  private final PrintWriter err;
  private final String prefix;
  private final long t0 = System.nanoTime();
  private final AtomicInteger done = new AtomicInteger();
  private volatile String phase;
  private volatile int total;
  private final Thread ticker;

  private FitProgress(PrintWriter err, String prefix) {
    this.err = err;
    this.prefix = prefix;
    if (err == null) {
      ticker = null;
      return;
    }
    ticker = new Thread(this::tick, "fit-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Reports to {@code err}, each line starting with {@code prefix} (e.g. "overparam: fit"). */
  public static FitProgress to(PrintWriter err, String prefix) {
    return new FitProgress(err, prefix);
  }

  /**
   * Starts a phase of {@code total} steps (0: no count) and prints its first line, unless
   * {@code detail} is null (then only the periodic lines, if it lasts).
   */
  public void phase(String name, int total, String detail) {
    if (err == null) {
      return;
    }
    synchronized (this) {
      this.total = total;
      this.done.set(0);
      this.phase = name;
      if (detail != null) {
        print(name + (detail.isEmpty() ? "" : ": " + detail));
      }
    }
  }

  /** One step of the current phase done. */
  public void step() {
    done.incrementAndGet();
  }

  /** The current phase is over; nothing is reported until the next one. */
  public void idle() {
    phase = null;
  }

  @Override
  public void close() {
    phase = null;
    if (ticker != null) {
      ticker.interrupt();
    }
  }

  private void tick() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        String p = phase;
        if (p != null) {
          print(total > 0 ? p + " " + done.get() + "/" + total : p + " ...");
        }
      }
    }
  }

  private void print(String what) {
    err.println(String.format(Locale.ROOT, "%s: %s, %.1f s", prefix, what,
        (System.nanoTime() - t0) / 1e9));
    err.flush();
  }
}
