package org.overparam.results;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.overparam.config.ConfigException;

/**
 * Whole-file writes that readers see complete or not at all. Bytes go to a hidden temporary file
 * next to the target ({@code .<name>.tmp-<uuid>}: unique per writer, skipped by Spark, pyarrow and
 * {@code *.parquet} globs), which is then renamed over the target in one step. Two writers of one
 * target never share a temporary file; the last rename wins, and each candidate is whole.
 */
final class AtomicFiles {
  /** Writes a file's bytes to a stream. */
  @FunctionalInterface
  interface Body {
    void write(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** A fresh hidden temporary name in {@code target}'s folder. */
  static Path temp(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
  }

  /** Writes {@code target} atomically from {@code body}. */
  static void write(Path target, Configuration conf, Body body) throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    fs.setWriteChecksum(false); // no .crc side files for readers to trip over
    Path tmp = temp(target);
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        body.write(out);
      }
      replace(fs, tmp, target, conf);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  /** Renames {@code tmp} over {@code target}, replacing it in one step where the FS can. */
  static void replace(FileSystem fs, Path tmp, Path target, Configuration conf)
      throws IOException {
    URI to = fs.makeQualified(target).toUri();
    if ("file".equals(to.getScheme())) {
      // rename(2): readers see the old file or the new one, never a partial one.
      Files.move(Paths.get(fs.makeQualified(tmp).toUri()), Paths.get(to),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try {
      // HDFS renames with OVERWRITE atomically.
      FileContext.getFileContext(to, conf).rename(fs.makeQualified(tmp), fs.makeQualified(target),
          Options.Rename.OVERWRITE);
    } catch (UnsupportedFileSystemException e) {
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    }
  }

  /** Temporary files older than this were left by a write that was interrupted. */
  static final long STALE_TEMP_MILLIS = 10 * 60 * 1000;

  /**
   * Deletes the temporary files in {@code dir} that interrupted writes left (older than
   * {@link #STALE_TEMP_MILLIS}: a write in flight takes well under a second); returns how many.
   */
  static int deleteStaleTemps(Path dir, Configuration conf) {
    int n = 0;
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return 0;
      }
      long cutoff = System.currentTimeMillis() - STALE_TEMP_MILLIS;
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        if (name.startsWith(".") && name.contains(".tmp-") && st.getModificationTime() < cutoff
            && fs.delete(st.getPath(), false)) {
          n++;
        }
      }
    } catch (IOException e) {
      // left for the next sweep: temporary files are invisible to readers
    }
    return n;
  }

  /**
   * The error for a failed write of {@code target}: a one-line {@link ConfigException} naming
   * the path when the disk or a quota is full, else an {@link java.io.UncheckedIOException}.
   */
  static RuntimeException failure(Path target, Throwable e) {
    ConfigException full = DiskFull.of(e, target.toString());
    if (full != null) {
      return full;
    }
    IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
    return new java.io.UncheckedIOException("writing " + target + ": " + e.getMessage(), io);
  }

  static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException | RuntimeException ignored) {
      // a leftover hidden temporary file is invisible to readers
    }
  }
}
