package org.overparam.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
 * Writes whole Parquet files atomically (see {@link AtomicFiles}): rows go to a hidden temporary
 * file in the target folder, which is then renamed over the target in one step.
 */
final class ParquetFiles {
  private ParquetFiles() {}

  static void writeAtomically(Path target, MessageType schema, List<Group> rows,
      Configuration conf) {
    Path tmp = AtomicFiles.temp(target);
    FileSystem fs;
    try {
      fs = target.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
    }
    try {
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
      AtomicFiles.replace(fs, tmp, target, conf);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      // The local file system reports a full disk as an FSError.
      AtomicFiles.deleteQuietly(fs, tmp);
      throw AtomicFiles.failure(target, e);
    } catch (RuntimeException e) {
      AtomicFiles.deleteQuietly(fs, tmp);
      throw e;
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
