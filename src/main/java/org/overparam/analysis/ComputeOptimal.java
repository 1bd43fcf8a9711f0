package org.overparam.analysis;

/**
 * The compute-optimal frontier of a joint law L(N, D) under a training budget of C = 6 N D
 * FLOPs (Hoffmann et al. 2022, eq. 4): N_opt(C) = G (C/6)^a and D_opt(C) = (C/6)^b / G, with
 * G = (alpha A / (beta B))^(1 / (alpha + beta)), a = beta / (alpha + beta) and
 * b = alpha / (alpha + beta).
 */
public record ComputeOptimal(ScalingLaw law) {
  public ComputeOptimal {
    if (law == null || !law.joint()) {
      throw new IllegalArgumentException("compute-optimal frontier: needs a joint law L(N, D)");
    }
    if (!(law.alpha() > 0) || !(law.beta() > 0) || !(law.a() > 0) || !(law.b() > 0)) {
      throw new IllegalArgumentException("compute-optimal frontier: needs A, B, alpha, beta > 0; "
          + "got " + law);
    }
  }

  /** G = (alpha A / (beta B))^(1 / (alpha + beta)). */
  public double g() {
    return Math.pow(law.alpha() * law.a() / (law.beta() * law.b()),
        1 / (law.alpha() + law.beta()));
  }

  /** a = beta / (alpha + beta): N_opt grows as C^a. */
  public double paramsExponent() {
    return law.beta() / (law.alpha() + law.beta());
  }

  /** b = alpha / (alpha + beta): D_opt grows as C^b. */
  public double tokensExponent() {
    return law.alpha() / (law.alpha() + law.beta());
  }

  /** N_opt(C), the loss-minimising parameter count for {@code flops} = 6 N D. */
  public double params(double flops) {
    return g() * Math.pow(budget(flops) / 6, paramsExponent());
  }

  /** D_opt(C), the loss-minimising token count for {@code flops} = 6 N D. */
  public double tokens(double flops) {
    return Math.pow(budget(flops) / 6, tokensExponent()) / g();
  }

  /** L(N_opt(C), D_opt(C)). */
  public double loss(double flops) {
    return law.predict(params(flops), tokens(flops));
  }

  private static double budget(double flops) {
    if (!(flops > 0) || Double.isInfinite(flops)) {
      throw new IllegalArgumentException("compute budget: must be a finite number > 0, got "
          + flops);
    }
    return flops;
  }
}
