package org.overparam.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads result tables with DuckDB, an engine independent of Spark, as analysts do. */
public final class Duck {
  private Duck() {}

  /** Every row of {@code sql}, column name to value. */
  public static List<Map<String, Object>> rows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** A {@code read_parquet} over one results table, with its experiment= partition column. */
  public static String table(java.nio.file.Path results, String table) {
    return "read_parquet('" + results.resolve(table) + "/**/*.parquet', hive_partitioning = true)";
  }
}
