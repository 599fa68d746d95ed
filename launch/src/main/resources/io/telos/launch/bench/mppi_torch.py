"""Reference MPPI loop in PyTorch for `telos bench-mppi`.

The same planning problem as Telos' default MPPI planner (K samples x H steps x I iterations over
the velocity-controlled kinematic model of the arm, end-effector reach + smoothness + posture +
joint-limit, velocity and workspace guardrails, MPPI weights with a temperature relative to the
cost spread, AR(1) noise), written the way a PyTorch user would: every sample in one batched
tensor op per step. Reads the problem from a JSON file written by the Java side, checks its
forward kinematics against the Java values, times each planning call and prints one JSON line.
Not a runtime dependency: a baseline to compare with.
"""
import json
import sys
import time

import torch

HARD = 1e6


def main(path):
    cfg = json.load(open(path))
    torch.set_num_threads(int(cfg["threads"]))
    torch.manual_seed(int(cfg["seed"]))
    f64 = torch.float64
    joints = cfg["joints"]
    n = len(joints)
    pre_r = torch.tensor([j["R"] for j in joints], dtype=f64).reshape(n, 3, 3)
    pre_t = torch.tensor([j["t"] for j in joints], dtype=f64)
    axes = torch.tensor([j["axis"] for j in joints], dtype=f64)
    tip_t = torch.tensor(cfg["tip"]["t"], dtype=f64)
    lower = torch.tensor(cfg["lower"], dtype=f64)
    upper = torch.tensor(cfg["upper"], dtype=f64)
    bound = torch.tensor(cfg["bound"], dtype=f64)        # planner velocity bound (scaled limits)
    vlimit = torch.tensor(cfg["vlimit"], dtype=f64)      # the arm's real velocity limits
    amax = torch.tensor(cfg["amax"], dtype=f64)
    ws_lo = torch.tensor(cfg["workspace_min"], dtype=f64)
    ws_hi = torch.tensor(cfg["workspace_max"], dtype=f64)
    mid = 0.5 * (lower + upper)
    half = 0.5 * (upper - lower)
    K, H, I = int(cfg["samples"]), int(cfg["horizon"]), int(cfg["iterations"])
    dt = float(cfg["dt"])
    w = cfg["weights"]
    eye = torch.eye(3, dtype=f64)
    # skew matrices of the joint axes, for Rodrigues' formula
    skew = torch.zeros(n, 3, 3, dtype=f64)
    skew[:, 0, 1], skew[:, 0, 2] = -axes[:, 2], axes[:, 1]
    skew[:, 1, 0], skew[:, 1, 2] = axes[:, 2], -axes[:, 0]
    skew[:, 2, 0], skew[:, 2, 1] = -axes[:, 1], axes[:, 0]
    skew2 = skew @ skew

    def fk(q):  # (B, n) -> (B, 3)
        b = q.shape[0]
        rot = eye.expand(b, 3, 3)
        pos = torch.zeros(b, 3, dtype=f64)
        s, c = torch.sin(q), torch.cos(q)
        for i in range(n):
            pos = pos + rot @ pre_t[i]
            rj = eye + s[:, i, None, None] * skew[i] + (1 - c[:, i, None, None]) * skew2[i]
            rot = rot @ pre_r[i] @ rj
        return pos + rot @ tip_t

    for chk in cfg["check"]:
        got = fk(torch.tensor([chk["q"]], dtype=f64))[0]
        err = (got - torch.tensor(chk["ee"], dtype=f64)).abs().max().item()
        if err > 1e-9:
            raise SystemExit("forward kinematics differ from Java's by %g m" % err)

    def step(q, qd, u):
        acc = ((u - qd) / dt).clamp(-amax, amax)
        qdn = torch.max(torch.min(qd + acc * dt, bound), -bound)
        qn = q + dt * qdn
        hit = (qn > upper) | (qn < lower)
        qn = torch.max(torch.min(qn, upper), lower)
        return qn, torch.where(hit, torch.zeros_like(qdn), qdn)

    def energy(q0, qd0, u, target):  # u: (B, H, n) -> (B,)
        b = u.shape[0]
        q, qd = q0.expand(b, n), qd0.expand(b, n)
        reach = torch.zeros(b, dtype=f64)
        smooth = torch.zeros(b, dtype=f64)
        posture = torch.zeros(b, dtype=f64)
        guard = torch.zeros(b, dtype=f64)
        prev = qd0.expand(b, n)
        m, vm = float(cfg["limit_margin"]), float(cfg["velocity_margin"])
        for t in range(H):
            q, qd = step(q, qd, u[:, t])
            ee = fk(q)
            d = (ee - target).norm(dim=1)
            reach += d / H
            smooth += (((u[:, t] - prev) / bound) ** 2).sum(1) / H
            prev = u[:, t]
            posture += (((q - mid) / half) ** 2).sum(1) / H
            dl = torch.min(q - lower, upper - q)
            guard += torch.where(dl <= 0, HARD * (1 - dl),
                                 torch.where(dl < m, w["joint_limit"] * ((m - dl) / m) ** 2,
                                             torch.zeros_like(dl))).sum(1)
            r = qd.abs() / vlimit
            guard += torch.where(r > 1, HARD * r, torch.where(r > vm, w["velocity"] * ((r - vm) / (1 - vm)) ** 2,
                                                              torch.zeros_like(r))).sum(1)
            out = (torch.max(ws_lo - ee, torch.zeros_like(ee)) + torch.max(ee - ws_hi, torch.zeros_like(ee))).norm(dim=1)
            guard += torch.where(out > 0, HARD * (1 + out), torch.zeros_like(out))
        return (w["reach"] * reach + w["terminal"] * d + w["smoothness"] * smooth + w["posture"] * posture + guard)

    beta = float(cfg["noise_smoothing"])
    innovation = (1 - beta * beta) ** 0.5
    mean = torch.zeros(H, n, dtype=f64)
    times = []
    for case in cfg["cases"]:
        t0 = time.perf_counter_ns()
        q0 = torch.tensor(case["q"], dtype=f64)
        qd0 = torch.zeros(n, dtype=f64)
        target = torch.tensor(case["target"], dtype=f64)
        if case["new_goal"]:
            mean.zero_()
        else:  # warm start: shift by one planning period (dt_plan / dt model steps)
            mean = torch.cat([mean[1:], mean[-1:]], 0)
        error = (fk(q0[None])[0] - target).norm().item()
        scale = max(float(cfg["noise_min"]), min(1.0, error / float(cfg["anneal"])))
        sigma = float(cfg["noise"]) * bound * scale
        for _ in range(I):
            z = torch.randn(K, H, n, dtype=f64)
            e = torch.empty_like(z)
            e[:, 0] = z[:, 0]
            for t in range(1, H):
                e[:, t] = beta * e[:, t - 1] + innovation * z[:, t]
            u = torch.max(torch.min(mean + sigma * e, bound), -bound)
            u[0] = torch.max(torch.min(mean, bound), -bound)
            c = energy(q0, qd0, u, target)
            cmin = c.min()
            spread = (c.median() - cmin).clamp_min(1e-12)
            wts = torch.exp(-(c - cmin) / (float(cfg["temperature"]) * spread))
            mean = (wts[:, None, None] * u).sum(0) / wts.sum()
        energy(q0, qd0, mean[None], target)  # the plan that would be sent, rolled out once more
        times.append((time.perf_counter_ns() - t0) // 1000)
    print(json.dumps({"threads": int(cfg["threads"]), "torch": torch.__version__, "step_us": times}))


if __name__ == "__main__":
    main(sys.argv[1])
