package org.overparam.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.overparam.analysis.ComputeOptimal;
import org.overparam.analysis.CoefficientEstimate;
import org.overparam.analysis.FitProgress;
import org.overparam.analysis.ScalingExtrapolation;
import org.overparam.analysis.ScalingData;
import org.overparam.analysis.ScalingFit;
import org.overparam.analysis.ScalingFitOptions;
import org.overparam.analysis.StartGrid;
import org.overparam.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code overparam fit-scaling --input FILE}: fits L(N, D) = E + A/N^alpha + B/D^beta (or L(N)
 * without {@code --d-col}) and prints one JSON object on stdout; progress goes to stderr.
 *
 * <pre>
 * key                 meaning
 * form                "L(N,D)" or "L(N)"
 * E, A, alpha[, B, beta]  {"value": x, "se": s, "ci95": [lo, hi]}; se, ci95 null with
 *                     --bootstrap 0
 * n_points            points fitted, after --exclude-top-loss
 * objective           summed Huber loss on log L at the fit; huber_delta its delta
 * gradient_norm       norm of the objective's gradient at the fit
 * r2_log_loss, rmse_log_loss, rmse_loss   fit quality on log L and on L
 * identified          false when the fit means nothing (see Identification: loss not
 *                     monotone in N, a coefficient at a bound, a 95% interval spanning more
 *                     than two decades, ...); reason says why ("" when identified). Such a fit
 *                     still exits 0: it is a real fit, merely a weak one
 * grid, starts, starts_failed, starts_at_best, evaluations   the multi-start search
 * screen_points       above 500 points the grid runs on a seeded sample of 500 and its 3
 *                     best optima are refined on all points; null when it ran on all points
 * bootstrap           {"resamples", "converged", "seed"}
 * compute_optimal     joint form only: G, params/tokens exponents with intervals, and the
 *                     frontier {flops, params, tokens, loss} at each --flops budget
 * extrapolation       with --extrapolate K: the fit without the K largest N, and its error there
 * </pre>
 *
 * <p>Data no fit can be made of (fewer points than coefficients + 1, all losses equal, a single
 * N or, for L(N, D), a single D, too few distinct sizes) and tables over {@code --max-points}
 * rows (at most {@link ScalingFit#MAX_POINTS}) are refused with a one-line error and exit 2, before any
 * fitting. Progress (each phase, then a line every 2 s while it runs) goes to stderr.
 */
@Command(name = "fit-scaling", mixinStandardHelpOptions = true,
    description = "Fit a Chinchilla-style scaling law to a CSV or Parquet table and print JSON.")
final class FitScalingCommand implements Callable<Integer> {
  enum Grid { full, thin }

  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "CSV (with header) or Parquet file, or a folder of Parquet files.")
  Path input;

  @Option(names = "--n-col", defaultValue = "params",
      description = "Column of model sizes N (default: ${DEFAULT-VALUE}).")
  String nCol;

  @Option(names = "--d-col", description = "Column of data sizes D; without it, fit L(N).")
  String dCol;

  @Option(names = "--loss-col", defaultValue = "loss",
      description = "Column of losses L (default: ${DEFAULT-VALUE}).")
  String lossCol;

  @Option(names = "--exclude-top-loss", defaultValue = "0", paramLabel = "K",
      description = "Drop the K points of highest loss first (default: ${DEFAULT-VALUE}).")
  int excludeTopLoss;

  @Option(names = "--bootstrap", defaultValue = "200", paramLabel = "B",
      description = "Bootstrap resamples for standard errors and 95%% intervals; 0 for none "
          + "(default: ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--seed", defaultValue = "0",
      description = "Seed of the bootstrap (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--grid", defaultValue = "full",
      description = "Starting points: full (Besiroglu et al.: 5400 for L(N,D), 180 for L(N)) or "
          + "thin (243, 27) (default: ${DEFAULT-VALUE}).")
  Grid grid;

  @Option(names = "--huber-delta", defaultValue = "1e-3",
      description = "Delta of the Huber loss on log L (default: ${DEFAULT-VALUE}).")
  double huberDelta;

  @Option(names = "--flops", split = ",", paramLabel = "C",
      description = "Compute budgets (FLOPs, C = 6 N D) at which to report the compute-optimal "
          + "N and D; needs --d-col.")
  List<Double> flops = List.of();

  @Option(names = "--extrapolate", defaultValue = "0", paramLabel = "K",
      description = "Also fit without the K largest values of N and report the error of "
          + "predicting them (default: ${DEFAULT-VALUE}: off).")
  int extrapolate;

  @Option(names = "--max-points", defaultValue = "2000000", paramLabel = "N",
      description = "Refuse a table of more than N rows, before fitting; at most and by default "
          + "${DEFAULT-VALUE} (a fit of 10^6 rows with the full grid and 200 resamples takes "
          + "minutes on 2 cores).")
  int maxPoints;

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public Integer call() throws JsonProcessingException {
    ScalingFitOptions options = options();
    PrintWriter err = spec.commandLine().getErr();
    ScalingData data;
    ScalingFit fit;
    ObjectNode out;
    long t0;
    try (FitProgress progress = FitProgress.to(err, "overparam: fit-scaling")) {
      progress.phase("reading " + input, 0, null);
      data = ScalingData.read(input, nCol, dCol, lossCol, maxPoints);
      if (excludeTopLoss > 0) {
        data = data.withoutHighestLoss(excludeTopLoss);
      }
      progress.idle();
      t0 = System.nanoTime();
      fit = fitOrExplain(data, options, progress);
      out = report(data, fit, options);
      if (extrapolate > 0) {
        out.set("extrapolation", extrapolation(data, options.withBootstrap(0, seed), progress));
      }
    }
    err.printf("overparam: fit-scaling: %d points, %d starts, %d resamples in %.1fs%n",
        data.size(), fit.starts(), bootstrap, (System.nanoTime() - t0) / 1e9);
    err.flush();
    PrintWriter o = spec.commandLine().getOut();
    o.println(json.writeValueAsString(out));
    o.flush();
    return 0;
  }

  /** Options checked before any data is read. */
  private ScalingFitOptions options() {
    if (excludeTopLoss < 0) {
      throw new ConfigException("--exclude-top-loss: must be >= 0, got " + excludeTopLoss);
    }
    if (bootstrap < 0) {
      throw new ConfigException("--bootstrap: must be >= 0, got " + bootstrap);
    }
    if (maxPoints < 1 || maxPoints > ScalingFit.MAX_POINTS) {
      throw new ConfigException("--max-points: must be 1 to " + ScalingFit.MAX_POINTS + ", got "
          + maxPoints);
    }
    if (extrapolate < 0) {
      throw new ConfigException("--extrapolate: must be >= 0, got " + extrapolate);
    }
    if (!(huberDelta > 0) || Double.isInfinite(huberDelta)) {
      throw new ConfigException("--huber-delta: must be a finite number > 0, got " + huberDelta);
    }
    if (!flops.isEmpty() && dCol == null) {
      throw new ConfigException("--flops: the compute-optimal frontier needs --d-col");
    }
    for (double c : flops) {
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new ConfigException("--flops: must be finite numbers > 0, got " + c);
      }
    }
    StartGrid g = grid == Grid.full ? StartGrid.besiroglu() : StartGrid.thin();
    return ScalingFitOptions.defaults().withGrid(g).withHuberDelta(huberDelta)
        .withBootstrap(bootstrap, seed);
  }

  private static ScalingFit fitOrExplain(ScalingData data, ScalingFitOptions options,
      FitProgress progress) {
    try {
      return ScalingFit.fit(data.n(), data.d(), data.loss(), options, progress);
    } catch (IllegalArgumentException e) {
      // Too few points, mostly: the data's fault, so name the file.
      throw new ConfigException(data.source() + ": " + e.getMessage());
    }
  }

  private ObjectNode report(ScalingData data, ScalingFit fit, ScalingFitOptions options) {
    ObjectNode out = json.createObjectNode();
    out.put("input", input.toString());
    out.put("form", fit.law().joint() ? "L(N,D)" : "L(N)");
    ObjectNode cols = out.putObject("columns");
    cols.put("n", nCol);
    if (dCol != null) {
      cols.put("d", dCol);
    }
    cols.put("loss", lossCol);
    out.put("n_points", data.size());
    out.put("excluded_top_loss", excludeTopLoss);
    for (Map.Entry<String, CoefficientEstimate> e : fit.estimates().entrySet()) {
      out.set(e.getKey(), estimate(e.getValue()));
    }
    out.put("identified", fit.identified());
    out.put("reason", fit.identification().reason());
    out.put("objective", fit.objective());
    out.put("huber_delta", options.huberDelta());
    out.put("gradient_norm", fit.gradientNorm());
    out.put("r2_log_loss", fit.r2LogLoss());
    out.put("rmse_log_loss", fit.rmseLogLoss());
    out.put("rmse_loss", fit.rmseLoss());
    out.put("grid", grid.name());
    out.put("starts", fit.starts());
    out.put("starts_failed", fit.startsFailed());
    out.put("starts_at_best", fit.startsAtBest());
    out.put("evaluations", fit.evaluations());
    if (fit.screenPoints() > 0) {
      out.put("screen_points", fit.screenPoints());
    } else {
      out.putNull("screen_points");
    }
    ObjectNode boot = out.putObject("bootstrap");
    boot.put("resamples", options.bootstrap());
    boot.put("converged", fit.bootstrap() == null ? 0 : fit.bootstrap().size());
    boot.put("seed", options.seed());
    if (fit.law().joint()) {
      out.set("compute_optimal", computeOptimal(fit));
    }
    return out;
  }

  private ObjectNode computeOptimal(ScalingFit fit) {
    ObjectNode co = json.createObjectNode();
    ComputeOptimal opt;
    try {
      opt = new ComputeOptimal(fit.law());
    } catch (IllegalArgumentException e) {
      co.putNull("G");
      co.put("note", e.getMessage());
      return co;
    }
    co.put("G", opt.g());
    co.set("params_exponent", estimate(fit.estimate(opt.paramsExponent(),
        l -> l.beta() / (l.alpha() + l.beta()))));
    co.set("tokens_exponent", estimate(fit.estimate(opt.tokensExponent(),
        l -> l.alpha() / (l.alpha() + l.beta()))));
    ArrayNode frontier = co.putArray("frontier");
    for (double c : flops) {
      ObjectNode p = frontier.addObject();
      p.put("flops", c);
      p.put("params", opt.params(c));
      p.put("tokens", opt.tokens(c));
      p.put("loss", opt.loss(c));
    }
    return co;
  }

  private ObjectNode extrapolation(ScalingData data, ScalingFitOptions options,
      FitProgress progress) {
    ScalingExtrapolation x;
    try {
      progress.phase("extrapolation", 0, "fit without the " + extrapolate + " largest N");
      x = ScalingExtrapolation.toLargest(data.n(), data.d(), data.loss(), extrapolate, options);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--extrapolate: " + data.source() + ": " + e.getMessage());
    }
    ObjectNode out = json.createObjectNode();
    out.put("held_out_scales", extrapolate);
    out.put("n_points_fitted", x.fit().points());
    out.put("identified", x.fit().identified());
    out.put("reason", x.fit().identification().reason());
    ObjectNode law = out.putObject("fit");
    x.fit().law().coefficients().forEach(law::put);
    ArrayNode pts = out.putArray("points");
    for (ScalingExtrapolation.Point p : x.heldOut()) {
      ObjectNode o = pts.addObject();
      o.put("n", p.n());
      if (!Double.isNaN(p.d())) {
        o.put("d", p.d());
      }
      o.put("loss", p.loss());
      o.put("predicted", p.predicted());
      o.put("relative_error", p.relativeError());
    }
    out.put("mean_abs_relative_error", x.meanAbsRelativeError());
    out.put("max_abs_relative_error", x.maxAbsRelativeError());
    return out;
  }

  private ObjectNode estimate(CoefficientEstimate e) {
    ObjectNode o = json.createObjectNode();
    o.put("value", e.value());
    if (Double.isNaN(e.se())) {
      o.putNull("se");
      o.putNull("ci95");
    } else {
      o.put("se", e.se());
      o.putArray("ci95").add(e.lo()).add(e.hi());
    }
    return o;
  }
}
