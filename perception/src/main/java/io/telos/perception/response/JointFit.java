package io.telos.perception.response;

import io.telos.model.ActuatorResponse;
import java.util.Arrays;
import java.util.Locale;

/**
 * The fit of one joint (see {@link ResponseEstimator} for the model). Stateless; all arrays are the
 * caller's copies.
 */
final class JointFit {
  /** Grid points below zero dead time, so that a dead time of zero is an interior minimum. */
  static final int NEGATIVE_STEPS = 4;
  /** Fewest samples worth fitting. */
  static final int MIN_SAMPLES = 50;
  /** Fewest informative samples for an estimate. */
  static final int MIN_INFORMATIVE = 50;
  /** A speed-ceiling plateau is at least this close to the highest smoothed speed. */
  static final double PLATEAU_FRACTION = 0.9;
  /** Quantile of the smoothed speed taken as the top speed. */
  static final double PEAK_QUANTILE = 0.995;
  /** Steps where the model asks for more than this fraction of a ceiling are left out. */
  static final double SATURATION_FRACTION = 0.9;
  /** The model must ask for this much more than the plateau for the plateau to count as a ceiling. */
  static final double CEILING_MARGIN = 1.1;
  /** A ceiling must leave at most this fraction of the unclamped model's residual on the fast steps. */
  static final double CEILING_EVIDENCE = 0.25;
  /** Fewest steps showing a ceiling. */
  static final int MIN_CEILING_STEPS = 5;
  /** A command that moved this recently makes a sample informative, s. */
  static final double RECENT_S = 0.01;
  /** Half-width of the speed-smoothing window, s. */
  static final double SPEED_HALF_WINDOW_S = 0.005;
  /** Largest relative standard uncertainty of τ that still counts as an estimate. */
  static final double MAX_RELATIVE_LAG_SIGMA = 0.5;
  /** Largest standard uncertainty of d that still counts as an estimate, s. */
  static final double MAX_DEAD_TIME_SIGMA_S = 0.02;

  private final double[] t;
  private final double[] c;
  private final double[] q;
  private final int m;
  private final double hMed;
  private final double cRef;
  private final double[] cum; // ∫ (c − cRef) dt from t[0] to t[i], zero-order hold
  private final int[] idx; // usable steps k (k → k+1)
  private final double[] y; // Δq per usable step
  private final double[] h; // step per usable step
  private final double[] back; // q[k] − q[k−1] per usable step: the instrument is the drive from q[k−1]
  private final double betaMin;
  private final double betaMax;
  private final double dLo;
  private final double step;
  private final int gridSize;

  private JointFit(double[] t, double[] c, double[] q, ResponseEstimator.Config cfg) {
    this.t = t;
    this.c = c;
    this.q = q;
    this.m = t.length;
    double[] hs = new double[m - 1];
    for (int k = 0; k < m - 1; k++) {
      hs[k] = t[k + 1] - t[k];
    }
    double[] sorted = hs.clone();
    Arrays.sort(sorted);
    this.hMed = sorted[sorted.length / 2];
    double gap = Math.max(5 * hMed, 0.005);
    this.cRef = c[0];
    this.cum = new double[m];
    for (int i = 0; i < m - 1; i++) {
      cum[i + 1] = cum[i] + (c[i] - cRef) * hs[i];
    }
    this.step = cfg.deadTimeStepS();
    this.dLo = -NEGATIVE_STEPS * step;
    double dHi = cfg.maxDeadTimeS();
    this.gridSize = NEGATIVE_STEPS + (int) Math.floor(dHi / step + 1e-9) + 1;
    // usable steps: inside one gap-free segment, with the whole delayed window (for every dead time
    // searched, and a little either side for derivatives) inside the same segment
    int[] use = new int[m];
    int u = 0;
    int segFirst = 0;
    int segLast = 0;
    for (int k = 0; k < m - 1; k++) {
      if (k == 0 || hs[k - 1] > gap) {
        segFirst = k;
        segLast = k;
        while (segLast < m - 1 && hs[segLast] <= gap) {
          segLast++;
        }
      }
      if (hs[k] > gap) {
        continue;
      }
      if (t[k] - dHi - step >= t[segFirst] && t[k + 1] - dLo + step <= t[segLast]) {
        use[u++] = k;
      }
    }
    this.idx = Arrays.copyOf(use, u);
    this.y = new double[u];
    this.h = new double[u];
    this.back = new double[u];
    for (int i = 0; i < u; i++) {
      int k = idx[i];
      y[i] = q[k + 1] - q[k];
      h[i] = hs[k];
      back[i] = q[k] - q[k - 1]; // k > its segment's first sample (the delay window starts after it)
    }
    this.betaMin = 1.0 / ActuatorResponse.MAX_LAG_S;
    this.betaMax = 50.0 / hMed;
  }

  static ResponseEstimate.Joint fit(int joint, double[] t, double[] c, double[] q, ResponseEstimator.Config cfg) {
    if (t.length < MIN_SAMPLES) {
      return ResponseEstimate.Joint.none(joint, "only " + t.length + " samples");
    }
    JointFit f = new JointFit(t, c, q, cfg);
    if (f.idx.length < MIN_SAMPLES) {
      return ResponseEstimate.Joint.none(joint, "only " + f.idx.length + " usable samples (gaps or too short)");
    }
    return f.run(joint, cfg);
  }

  private double dead(int g) {
    return dLo + g * step;
  }

  /** Mean of the held command over [t − d, t' − d] for every usable step. */
  private void delayed(double d, double[] out) {
    int pa = 0;
    int pb = 0;
    for (int i = 0; i < idx.length; i++) {
      int k = idx[i];
      double ta = t[k] - d;
      double tb = t[k + 1] - d;
      while (pa < m - 2 && t[pa + 1] <= ta) {
        pa++;
      }
      while (pb < m - 2 && t[pb + 1] <= tb) {
        pb++;
      }
      double ia = cum[pa] + (c[pa] - cRef) * (ta - t[pa]);
      double ib = cum[pb] + (c[pb] - cRef) * (tb - t[pb]);
      out[i] = (ib - ia) / (tb - ta) + cRef;
    }
  }

  /** One fit of τ and d on the steps in {@code mask}. */
  private record Fit(double d, double beta, double rss, int used, double[] x, int gridIndex) {}

  private void drive(double d, double[] x) {
    delayed(d, x);
    for (int i = 0; i < idx.length; i++) {
      x[i] -= q[idx[i]];
    }
  }

  /**
   * {@code β = 1/τ} for a given drive {@code x}, by Gauss–Newton with an instrumental variable:
   * the measurement noise of {@code q[k]} is in both the drive and the step {@code Δq}, which would
   * bias plain least squares towards a faster response; the instrument, the same drive computed from
   * {@code q[k−1]}, shares no noise with either. Returns β and writes the residual sum to rss[0].
   */
  private double fitBeta(double[] x, boolean[] mask, double beta0, double[] rss) {
    double beta = beta0;
    if (!(beta > 0)) {
      double szy = 0;
      double szx = 0;
      double hs = 0;
      int cnt = 0;
      for (int i = 0; i < x.length; i++) {
        if (mask[i]) {
          double z = x[i] + back[i];
          szy += z * y[i];
          szx += z * x[i];
          hs += h[i];
          cnt++;
        }
      }
      double a = szx > 0 ? szy / szx : 0;
      double hMean = cnt == 0 ? hMed : hs / cnt;
      beta = a <= 0 ? betaMin : a >= 1 ? betaMax : -Math.log1p(-a) / hMean;
      beta = clamp(beta, betaMin, betaMax);
    }
    for (int it = 0; it < 6; it++) {
      double zr = 0;
      double zj = 0;
      for (int i = 0; i < x.length; i++) {
        if (!mask[i]) {
          continue;
        }
        double e = Math.exp(-h[i] * beta);
        double r = y[i] - (1 - e) * x[i];
        double he = h[i] * e;
        double zi = he * (x[i] + back[i]);
        zr += zi * r;
        zj += zi * he * x[i];
      }
      if (!(zj > 0)) {
        break;
      }
      double next = clamp(beta + zr / zj, betaMin, betaMax);
      if (Math.abs(next - beta) <= 1e-9 * beta) {
        beta = next;
        break;
      }
      beta = next;
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (mask[i]) {
        double r = y[i] + Math.expm1(-h[i] * beta) * x[i];
        s += r * r;
      }
    }
    rss[0] = s;
    return beta;
  }

  private Fit fitAll(boolean[] mask) {
    int used = 0;
    for (boolean b : mask) {
      if (b) {
        used++;
      }
    }
    double[] x = new double[idx.length];
    double[] rss = new double[1];
    double[] grid = new double[gridSize];
    double[] betas = new double[gridSize];
    double beta = -1;
    int best = 0;
    for (int g = 0; g < gridSize; g++) {
      drive(dead(g), x);
      beta = fitBeta(x, mask, beta, rss);
      betas[g] = beta;
      grid[g] = rss[0];
      if (grid[g] < grid[best]) {
        best = g;
      }
    }
    double d = dead(best);
    if (best > 0 && best < gridSize - 1) {
      double a = grid[best - 1];
      double b = grid[best];
      double cc = grid[best + 1];
      double denom = a - 2 * b + cc;
      if (denom > 0) {
        d += clamp(0.5 * (a - cc) / denom, -0.5, 0.5) * step;
      }
    }
    beta = betas[best];
    // the grid's residual minimum is pulled slightly towards a faster response by the noise of
    // q[k] (it is in both the drive and the step); solve the instrumented estimating equations in
    // (β, d) from there, which the noise does not bias
    double eps = step / 2;
    double[] xp = new double[idx.length];
    double[] xm = new double[idx.length];
    double dMax = dead(gridSize - 1);
    for (int it = 0; it < 10; it++) {
      drive(d, x);
      drive(d + eps, xp);
      drive(d - eps, xm);
      double a11 = 0;
      double a12 = 0;
      double a21 = 0;
      double a22 = 0;
      double g1 = 0;
      double g2 = 0;
      for (int i = 0; i < idx.length; i++) {
        if (!mask[i]) {
          continue;
        }
        double e = Math.exp(-h[i] * beta);
        double a = 1 - e;
        double r = y[i] - a * x[i];
        double jb = h[i] * e * x[i];
        double zb = h[i] * e * (x[i] + back[i]);
        double jd = a * (xp[i] - xm[i]) / (2 * eps);
        a11 += zb * jb;
        a12 += zb * jd;
        a21 += jd * jb;
        a22 += jd * jd;
        g1 += zb * r;
        g2 += jd * r;
      }
      double det = a11 * a22 - a12 * a21;
      if (!(Math.abs(det) > 0) || !Double.isFinite(det)) {
        break;
      }
      double db = (a22 * g1 - a12 * g2) / det;
      double dd = (a11 * g2 - a21 * g1) / det;
      dd = clamp(dd, -2 * step, 2 * step); // stay in the grid minimum's basin
      double nb = clamp(beta + db, betaMin, betaMax);
      double nd = clamp(d + dd, dLo, dMax);
      boolean done = Math.abs(nd - d) < 1e-7 && Math.abs(nb - beta) <= 1e-9 * beta;
      beta = nb;
      d = nd;
      if (done) {
        break;
      }
    }
    if (d < 0) {
      d = 0;
    }
    drive(d, x);
    beta = fitBeta(x, mask, beta, rss);
    return new Fit(d, beta, rss[0], used, x, best);
  }

  private ResponseEstimate.Joint run(int joint, ResponseEstimator.Config cfg) {
    int u = idx.length;
    // smoothed measured speed per usable step; a plateau near the top speed may be a ceiling
    int w = Math.max(1, (int) Math.round(SPEED_HALF_WINDOW_S / hMed));
    double[] speed = new double[u];
    for (int i = 0; i < u; i++) {
      int k = idx[i];
      int a = Math.max(0, k - w + 1);
      int b = Math.min(m - 1, k + w);
      speed[i] = Math.abs((q[b] - q[a]) / (t[b] - t[a]));
    }
    double[] sorted = speed.clone();
    Arrays.sort(sorted);
    double peak = sorted[(int) Math.floor(PEAK_QUANTILE * (u - 1))]; // robust against noise spikes
    boolean[] plateau = new boolean[u];
    for (int i = 0; i < u; i++) {
      if (peak > 0 && speed[i] >= PLATEAU_FRACTION * peak) {
        plateau[i] = true;
      }
    }
    plateau = Masks.dilate(plateau, w + 1);
    boolean[] all = new boolean[u];
    Arrays.fill(all, true);
    if (Masks.count(plateau) == 0) {
      Fit fit = fitAll(all);
      return finish(joint, fit, all, Double.POSITIVE_INFINITY, 0);
    }
    Fit fit = fitAll(Masks.not(plateau));
    // a ceiling: on the plateau the fitted lag asks for clearly more speed than the joint shows
    double ceiling = ceiling(fit, plateau, CEILING_MARGIN * peak);
    if (!Double.isFinite(ceiling)) {
      fit = fitAll(all);
      return finish(joint, fit, all, Double.POSITIVE_INFINITY, 0);
    }
    // refine: leave out every step where the model asks for nearly the ceiling or more (a choice
    // made on the drive, not on the measured step, so it biases nothing), then refit
    boolean[] mask = Masks.not(plateau);
    for (int iter = 0; iter < 2; iter++) {
      boolean[] fast = new boolean[u];
      for (int i = 0; i < u; i++) {
        fast[i] = demand(fit, i) > SATURATION_FRACTION * ceiling;
      }
      fast = Masks.dilate(fast, w + 1);
      for (int i = 0; i < u; i++) {
        mask[i] = !plateau[i] && !fast[i];
      }
      fit = fitAll(mask);
    }
    double refined = ceiling(fit, Masks.not(mask), CEILING_MARGIN * ceiling);
    return finish(joint, fit, mask, Double.isFinite(refined) ? refined : ceiling, u - Masks.count(mask));
  }

  /** Speed the fitted model asks of step {@code i}, unclamped. */
  private double demand(Fit fit, int i) {
    return -Math.expm1(-h[i] * fit.beta()) * Math.abs(fit.x()[i]) / h[i];
  }

  /**
   * The speed ceiling the steps in {@code among} show, or ∞ when they show none: over the steps
   * where the fitted model asks for more than {@code above}, the mean measured speed, provided that
   * clamping the model at that speed explains those steps much better than the model alone (with no
   * ceiling the fastest steps simply move as fast as asked).
   */
  private double ceiling(Fit fit, boolean[] among, double above) {
    double sum = 0;
    int evidence = 0;
    for (int i = 0; i < idx.length; i++) {
      if (among[i] && demand(fit, i) > above) {
        evidence++;
        sum += Math.abs(y[i]) / h[i];
      }
    }
    if (evidence < MIN_CEILING_STEPS) {
      return Double.POSITIVE_INFINITY;
    }
    double level = sum / evidence;
    double free = 0;
    double clamped = 0;
    for (int i = 0; i < idx.length; i++) {
      if (among[i] && demand(fit, i) > above) {
        double want = -Math.expm1(-h[i] * fit.beta()) * fit.x()[i];
        double lim = level * h[i];
        free += (y[i] - want) * (y[i] - want);
        double c = clamp(want, -lim, lim);
        clamped += (y[i] - c) * (y[i] - c);
      }
    }
    return clamped < CEILING_EVIDENCE * free ? level : Double.POSITIVE_INFINITY;
  }

  private ResponseEstimate.Joint finish(int joint, Fit fit, boolean[] mask, double ceiling, int saturated) {
    double beta = fit.beta();
    double[] x = fit.x();
    // the measurement noise, from the median residual (most steps are quiet, so unmodelled
    // dynamics during motion do not inflate it)
    double sigmaQ = noise(fit, mask);
    double threshold = Math.max(3 * sigmaQ, 1e-6);
    Excitation ex = excitation(x, mask, threshold);
    int informative = ex.informative();
    double cMin = ex.cMin();
    double cMax = ex.cMax();
    if (cMax - cMin < Math.max(20 * sigmaQ, 1e-5)) {
      return ResponseEstimate.Joint.none(joint, "the command did not move (range " + fmt(cMax - cMin) + " rad)");
    }
    if (informative < MIN_INFORMATIVE) {
      return ResponseEstimate.Joint.none(joint, "only " + informative + " informative samples");
    }
    if (beta <= betaMin * 1.000001) {
      return ResponseEstimate.Joint.none(joint, "no response to the command");
    }
    Spread spread = spread(fit, mask);
    double tau = spread.tau();
    double sigmaTau = spread.sigmaTau();
    double sigmaD = spread.sigmaD();
    if (fit.gridIndex() == gridSize - 1) {
      return ResponseEstimate.Joint.none(joint, "dead time at or beyond the search limit (" + fmt(fit.d() * 1e3)
          + " ms)");
    }
    if (!(sigmaTau <= MAX_RELATIVE_LAG_SIGMA * tau + Math.max(1e-3, hMed)) || !(sigmaD <= MAX_DEAD_TIME_SIGMA_S)) {
      return ResponseEstimate.Joint.none(joint, "too little excitation to tell (lag " + fmt(tau) + " ± "
          + fmt(sigmaTau) + " s, dead time " + fmt(fit.d() * 1e3) + " ± " + fmt(sigmaD * 1e3) + " ms)");
    }
    if (tau > ActuatorResponse.MAX_LAG_S) {
      return ResponseEstimate.Joint.none(joint, "lag beyond " + ActuatorResponse.MAX_LAG_S + " s");
    }
    return new ResponseEstimate.Joint(joint, true, tau, sigmaTau, fit.d(), sigmaD, ceiling, informative, saturated,
        "");
  }

  /** How the command ranged over the fit and how many samples stand out of the noise. */
  private record Excitation(int informative, double cMin, double cMax) {}

  private Excitation excitation(double[] x, boolean[] mask, double threshold) {
    int u = idx.length;
    int informative = 0;
    int recent = Math.max(1, (int) Math.round(RECENT_S / hMed));
    double cMin = Double.POSITIVE_INFINITY;
    double cMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < u; i++) {
      int k = idx[i];
      cMin = Math.min(cMin, c[k]);
      cMax = Math.max(cMax, c[k]);
      // informative: the drive stands out of the noise, or the command has just moved (a joint
      // that keeps up with its command has little drive, but its steps still tell)
      int back = Math.max(0, k - recent);
      if (mask[i] && (Math.abs(x[i]) > threshold || Math.abs(c[k] - c[back]) > threshold)) {
        informative++;
      }
    }
    return new Excitation(informative, cMin, cMax);
  }

  /** The lag, and the lag's and dead time's standard deviations. */
  private record Spread(double tau, double sigmaTau, double sigmaD) {}

  /**
   * The fit's uncertainty: the Jacobian of the one-step prediction in (β, d), its residuals and
   * their Newey–West covariance; a lag faster than the sampling resolves is reported as none.
   */
  private Spread spread(Fit fit, boolean[] mask) {
    int u = idx.length;
    double beta = fit.beta();
    double[] x = fit.x();
    // Jacobian of the one-step prediction in (β, d), residuals, Newey–West covariance
    double eps = step / 2;
    double[] xp = new double[u];
    double[] xm = new double[u];
    drive(fit.d() + eps, xp);
    drive(fit.d() - eps, xm);
    // instrumented Jacobian: Z = [∂/∂β from q[k−1], ∂/∂d]; Cov = A⁻¹ S A⁻ᵀ with A = Σ Z Jᵀ
    double[] j1 = new double[u];
    double[] z1 = new double[u];
    double[] j2 = new double[u];
    double[] r = new double[u];
    double a11 = 0;
    double a12 = 0;
    double a21 = 0;
    double a22 = 0;
    int used = 0;
    for (int i = 0; i < u; i++) {
      if (!mask[i]) {
        continue;
      }
      double e = Math.exp(-h[i] * beta);
      double a = 1 - e;
      j1[used] = h[i] * e * x[i];
      z1[used] = h[i] * e * (x[i] + back[i]);
      j2[used] = a * (xp[i] - xm[i]) / (2 * eps);
      r[used] = y[i] - a * x[i];
      a11 += z1[used] * j1[used];
      a12 += z1[used] * j2[used];
      a21 += j2[used] * j1[used];
      a22 += j2[used] * j2[used];
      used++;
    }
    double tau = 1 / beta;
    int lags = (int) Math.min(200, Math.max(Math.floor(4 * Math.pow(used / 100.0, 2.0 / 9)), Math.round(tau / hMed)));
    double s11 = 0;
    double s12 = 0;
    double s22 = 0;
    for (int l = 0; l <= lags; l++) {
      double wl = l == 0 ? 1 : 1 - l / (lags + 1.0);
      double b11 = 0;
      double b12 = 0;
      double b21 = 0;
      double b22 = 0;
      for (int k = l; k < used; k++) {
        double rr = r[k] * r[k - l];
        b11 += rr * z1[k] * z1[k - l];
        b22 += rr * j2[k] * j2[k - l];
        b12 += rr * z1[k] * j2[k - l];
        b21 += rr * j2[k] * z1[k - l];
      }
      double f = l == 0 ? 1 : 2; // Γ_l + Γ_lᵀ
      s11 += wl * f * b11;
      s22 += wl * f * b22;
      s12 += wl * (l == 0 ? b12 : b12 + b21);
    }
    double det = a11 * a22 - a12 * a21;
    double sigmaBeta;
    double sigmaD;
    if (det != 0 && Double.isFinite(det)) {
      // B = A⁻¹ = [a22 −a12; −a21 a11] / det; Cov = B S Bᵀ
      double b11 = a22 / det;
      double b12 = -a12 / det;
      double b21 = -a21 / det;
      double b22 = a11 / det;
      double c11 = b11 * (s11 * b11 + s12 * b12) + b12 * (s12 * b11 + s22 * b12);
      double c22 = b21 * (s11 * b21 + s12 * b22) + b22 * (s12 * b21 + s22 * b22);
      sigmaBeta = Math.sqrt(Math.max(0, c11));
      sigmaD = Math.sqrt(Math.max(0, c22));
    } else {
      sigmaBeta = Double.POSITIVE_INFINITY;
      sigmaD = Double.POSITIVE_INFINITY;
    }
    double sigmaTau = sigmaBeta * tau * tau;
    if (beta >= betaMax * 0.999) {
      // faster than the sampling can resolve: no lag to speak of, up to the sampling step; the
      // dead time's uncertainty from its own column alone
      tau = 0;
      sigmaTau = hMed;
      double s22only = 0;
      for (int l = 0; l <= lags; l++) {
        double wl = l == 0 ? 1 : 2 * (1 - l / (lags + 1.0));
        double b = 0;
        for (int k = l; k < used; k++) {
          b += r[k] * r[k - l] * j2[k] * j2[k - l];
        }
        s22only += wl * b;
      }
      sigmaD = a22 > 0 ? Math.sqrt(Math.max(0, s22only)) / a22 : Double.POSITIVE_INFINITY;
    }
    return new Spread(tau, sigmaTau, sigmaD);
  }

  /** Robust standard deviation of the measured positions: 1.4826 × median |residual| / √2. */
  private double noise(Fit fit, boolean[] mask) {
    double[] res = new double[fit.used()];
    int k = 0;
    for (int i = 0; i < idx.length && k < res.length; i++) {
      if (mask[i]) {
        res[k++] = Math.abs(y[i] + Math.expm1(-h[i] * fit.beta()) * fit.x()[i]);
      }
    }
    if (k == 0) {
      return 0;
    }
    Arrays.sort(res, 0, k);
    return 1.4826 * res[k / 2] / Math.sqrt(2);
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
