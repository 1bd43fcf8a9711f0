package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.overparam.analysis.Identification;
import org.overparam.results.Columns;

/** The scaling section: fitted coefficients and charts, or a line saying there are none. */
class ScalingSectionTest {
  @Test
  void listsTheFitsWithTheirChartsInNats() throws Exception {
    Section.Rendered r = new ScalingSection().render(Analysed.inputs("dd"));
    assertThat(r.html()).startsWith("<h2>Scaling laws</h2>\n<p>Loss: each cell's least test "
        + "loss over epochs, averaged over seeds, in nats. ")
        .contains("<h3>Fitted coefficients</h3>\n<table>");
    Analysed.assertPngs("dd", r.html(), r.images());
    assertThat(r.images()).allMatch(f -> f.matches("(scaling|frontier)-\\d+-[A-Za-z]+\\.png"));
  }

  @Test
  void comparesExperimentsSideBySideAndNamesThoseWithoutFits() throws Exception {
    ReportInputs.Fragment f = Analysed.root().fragment();
    ScalingSection.compare(java.util.List.of(Analysed.inputs("dd"), Analysed.inputs("none")), f);
    Section.Rendered r = f.done();
    // "dd" has one training-set size: its joint law is skipped, its L(N) drawn instead.
    org.apache.spark.sql.Row joint = Analysed.inputs("dd").table(
        org.overparam.results.Catalog.SCALING_FITS).stream()
        .filter(x -> "L(N,D)".equals(x.getAs("law"))).findFirst().orElseThrow();
    assertThat(joint.<String>getAs("status")).isEqualTo("skipped");
    assertThat(r.html()).startsWith("<h2>Scaling laws compared</h2>\n<p>Each experiment's least "
        + "test loss per cell").contains("N = parameters, D = training examples, loss in nats.")
        .contains("<h3>L(N, D) = E + A / N^alpha + B / D^beta of each experiment</h3>")
        .contains("E, A and B are in nats; alpha and beta do not depend on the unit.")
        .contains("<tr><td>dd (mlp)</td><td>0.2</td><td>0.0</td><td>0.0</td><td>7</td>"
            + "<td>no</td><td colspan=\"6\">skipped: " + Html.esc(joint.getAs("reason"))
            + "</td></tr>")
        .endsWith("<p>No scaling fits: none.</p>\n");
    assertThat(r.images()).containsExactly("compare-scaling-1.png");
    Analysed.assertRootPngs(r.html(), r.images());
  }

  @Test
  void anExperimentWithoutFitsSaysSo() {
    Section.Rendered r = new ScalingSection().render(Analysed.inputs("none"));
    assertThat(r.html()).isEqualTo("<h2>Scaling laws</h2>\n<p>No scaling fits in the analysis "
        + "tables.</p>\n");
    assertThat(r.images()).isEmpty();
  }

  /**
   * Coefficients are shown for identified fits and for fits whose only flaw is an interval too
   * wide (their intervals say how unsure they are), not for fits at a bound or of a curve the
   * law cannot describe.
   */
  @Test
  void showsTheCoefficientsOfFitsWhoseIntervalsAreOnlyTooWide() {
    StructType schema = new StructType()
        .add(Columns.IDENTIFIED.name(), DataTypes.BooleanType)
        .add(Columns.REASON.name(), DataTypes.StringType);
    java.util.function.BiFunction<Boolean, String, Row> row =
        (id, reason) -> new GenericRowWithSchema(new Object[] {id, reason}, schema);
    assertThat(ScalingSection.shown(row.apply(true, ""))).isTrue();
    assertThat(ScalingSection.shown(row.apply(false, Identification.INTERVAL_TOO_WIDE
        + ": E's 95% interval [5.8e-207, 1.229] spans more than two decades"))).isTrue();
    assertThat(ScalingSection.shown(row.apply(false,
        "at a bound: alpha = 0.006254, outside [0.01, 5.0]"))).isFalse();
    assertThat(ScalingSection.shown(row.apply(false,
        "loss not monotone in size: mean loss rises"))).isFalse();
  }
}
