package org.overparam.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.overparam.analysis.LeverSentence;

/** The levers section: a chart per lever and baseline, the comparisons' table and sentences. */
class LeversSectionTest {
  @Test
  void drawsOneLinePerValueAndSaysHowTheLeverMovedThePeak() throws Exception {
    Section.Rendered r = new LeversSection().render(Analysed.inputs("levers"));
    assertThat(r.html()).startsWith("<h2>Levers: how each varied field moves the peak</h2>\n"
            + "<p>" + Html.esc(LeverSentence.definitions()) + "</p>\n<h3>label_noise</h3>\n")
        .contains("alt=\"label_noise: n=1000, depth 1, weight decay 0, dropout 0\"")
        // Seeds shifted by the same amount at every width: the heights, 0.15 and 0.06, are
        // exact, and so is their difference.
        .contains("<tr><td>0.2</td><td>0</td><td>n=1000, depth 1, weight decay 0, dropout 0"
            + "</td><td>3 paired</td><td>0.1500 [0.1500, 0.1500]</td>"
            + "<td>0.09000 [0.09000, 0.09000]</td><td>0.09000 [0.09000, 0.09000]</td>"
            + "<td>1,600 (1,600)</td><td>1.000 [1.000, 1.000]</td><td>higher</td></tr>\n")
        .contains("<li>label_noise 0.2 raised the peak by 0.0900 [0.0900, 0.0900] against "
            + "label_noise 0 (paired over 3 seeds; weight decay 0, dropout 0, 1,000 training "
            + "examples, depth 1); peak at 1,600 parameters vs 1,600 (x1.00 [1.00, 1.00]).</li>");
    assertThat(r.images()).containsExactly("lever-1.png");
    Analysed.assertPngs("levers", r.html(), r.images());
    // analyze printed the same sentence, one line per comparison.
    assertThat(Analysed.printed().lines().filter(l -> l.contains(": lever "))).containsExactly(
        "overparam: analyze: levers: lever label_noise 0.2 raised the peak by 0.0900 [0.0900, "
            + "0.0900] against label_noise 0 (paired over 3 seeds; weight decay 0, dropout 0, "
            + "1,000 training examples, depth 1); peak at 1,600 parameters vs 1,600 (x1.00 "
            + "[1.00, 1.00]).");
  }

  @Test
  void anExperimentWithoutLeversHasNoSection() {
    assertThat(new LeversSection().render(Analysed.inputs("dd")).html()).isEmpty();
    Section.Rendered none = new LeversSection().render(Analysed.inputs("none"));
    assertThat(none.html()).isEmpty();
    assertThat(none.images()).isEmpty();
  }
}
