package org.overparam.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Writes whole Parquet files atomically: rows go to a hidden temporary file in the target folder
 * (readers skip names starting with '.'), which is then renamed over the target in one step.
 */
final class ParquetFiles {
  private ParquetFiles() {}

  static void writeAtomically(Path target, MessageType schema, List<Group> rows,
      Configuration conf) {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      FileSystem fs = target.getFileSystem(conf);
      fs.mkdirs(target.getParent());
      fs.setWriteChecksum(false); // no .crc side files for readers to trip over
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(tmp,
              conf))
          .withConf(conf)
          .withType(schema)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build()) {
        for (Group g : rows) {
          w.write(g);
        }
      }
      URI uri = target.toUri();
      if (uri.getScheme() == null || uri.getScheme().equals("file")) {
        // rename(2): readers see the old file or the new one, never a partial one.
        Files.move(Paths.get(tmp.toUri().getPath()), Paths.get(uri.getPath()),
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          throw new IOException("cannot rename " + tmp + " to " + target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
    }
  }

  static List<Group> read(Path file, Configuration conf) {
    List<Group> out = new ArrayList<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file)
        .withConf(conf).build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        out.add(g);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
    return out;
  }
}
