"""The learned world model's network and training step in PyTorch, for side-by-side timing.

Same shapes as planner-djl's LatentModel: encoder MLP on [sin q, cos q, qd/v] -> latent,
M residual predictor MLPs run as batched matrix products, linear q/qd heads, MLP end-effector
head; JEPA loss (stop-gradient target), VICReg variance/covariance, probe losses; Adam.
Usage: world_model_torch.py DOF LATENT HIDDEN MEMBERS WINDOW BATCH TRAIN_STEPS ROLLOUT_BATCH ROLLOUT_CALLS THREADS
Prints one JSON line.
"""
import json
import sys
import time

import torch

n, L, H, M, K, B, steps, rb, calls, threads = [int(a) for a in sys.argv[1:11]]
torch.set_num_threads(threads)
torch.manual_seed(1)
f = 3 * n


def glorot(*s):
    return (torch.randn(*s) * (2.0 / (s[-2] + s[-1])) ** 0.5).requires_grad_()


P = {
    "enc.w1": glorot(f, H), "enc.b1": torch.zeros(H, requires_grad=True),
    "enc.w2": glorot(H, L), "enc.b2": torch.zeros(L, requires_grad=True),
    "pred.w1": glorot(M, L + n, H), "pred.b1": torch.zeros(M, 1, H, requires_grad=True),
    "pred.w2": glorot(M, H, H), "pred.b2": torch.zeros(M, 1, H, requires_grad=True),
    "pred.w3": (torch.randn(M, H, L) * 0.1).requires_grad_(), "pred.b3": torch.zeros(M, 1, L, requires_grad=True),
    "q.w": glorot(L, n), "q.b": torch.zeros(n, requires_grad=True),
    "qd.w": glorot(L, n), "qd.b": torch.zeros(n, requires_grad=True),
    "ee.w1": glorot(L, 64), "ee.b1": torch.zeros(64, requires_grad=True),
    "ee.w2": glorot(64, 3), "ee.b2": torch.zeros(3, requires_grad=True),
}
vs = torch.full((n,), 2.0)
acs = torch.full((n,), 2.0)


def feats(q, qd):
    return torch.cat([q.sin(), q.cos(), qd / vs], -1)


def enc(x):
    return torch.relu(x @ P["enc.w1"] + P["enc.b1"]) @ P["enc.w2"] + P["enc.b2"]


def pred(z, a):
    a = a / acs
    zm = z.unsqueeze(0).expand(M, -1, -1) if z.dim() == 2 else z
    am = a.unsqueeze(0).expand(M, -1, -1)
    x = torch.cat([zm, am], 2)
    h1 = torch.relu(torch.bmm(x, P["pred.w1"]) + P["pred.b1"])
    h2 = torch.relu(torch.bmm(h1, P["pred.w2"]) + P["pred.b2"])
    return zm + torch.bmm(h2, P["pred.w3"]) + P["pred.b3"]


def pq(z):
    return z @ P["q.w"] + P["q.b"]


def pqd(z):
    return z @ P["qd.w"] + P["qd.b"]


def pee(z):
    return torch.relu(z @ P["ee.w1"] + P["ee.b1"]) @ P["ee.w2"] + P["ee.b2"]


def loss(q, qd, ee, a):
    z0 = enc(feats(q[:, 0], qd[:, 0]))
    z = z0
    lat = 0
    e = ((pee(z0) - ee[:, 0]) ** 2).mean()
    pr = ((pq(z0) - q[:, 0]) ** 2).mean() * 1 + ((pqd(z0) - qd[:, 0] / vs) ** 2).mean()
    for t in range(1, K + 1):
        z = pred(z, a[:, t - 1])
        tgt = enc(feats(q[:, t], qd[:, t])).detach()
        lat = lat + ((z - tgt.unsqueeze(0)) ** 2).mean()
        e = e + ((pee(z) - ee[:, t]) ** 2).mean()
        pr = pr + ((pq(z) - q[:, t]) ** 2).mean() * 1 + ((pqd(z) - qd[:, t] / vs) ** 2).mean()
    c = z0 - z0.mean(0, keepdim=True)
    std = (c.pow(2).mean(0) + 1e-4).sqrt()
    cov = c.t() @ c / (B - 1)
    off = cov.pow(2).sum() - cov.diag().pow(2).sum()
    return lat / K + 100 * e / (K + 1) + pr / (K + 1) + torch.relu(1 - std).mean() + 0.04 * off / L


opt = torch.optim.Adam(P.values(), lr=2e-3)
q = torch.rand(B, K + 1, n)
qd = torch.rand(B, K + 1, n)
ee = torch.rand(B, K + 1, 3)
a = torch.rand(B, K, n)
times = []
for s in range(steps + 20):
    t0 = time.perf_counter()
    opt.zero_grad()
    l = loss(q, qd, ee, a)
    l.backward()
    
    opt.step()
    if s >= 20:
        times.append(time.perf_counter() - t0)
train_s = sum(times)

with torch.no_grad():
    z = torch.randn(rb, L)
    act = torch.randn(rb, n)
    rt = []
    for c in range(calls + 50):
        t0 = time.perf_counter()
        allz = pred(z, act)
        mu = allz.mean(0)
        dis = (allz - mu).pow(2).mean(2).mean(0)
        mu_np = mu.numpy().astype("float64")  # the port returns doubles
        rt.append(time.perf_counter() - t0)
    rt = sorted(rt[50:])

print(json.dumps({
    "train_samples_per_s": steps * B / train_s,
    "train_step_p50_ms": sorted(times)[len(times) // 2] * 1e3,
    "rollout_state_steps_per_s": rb * len(rt) / sum(rt),
    "rollout_call_p50_us": rt[len(rt) // 2] * 1e6,
    "rollout_call_p99_us": rt[int(len(rt) * 0.99)] * 1e6,
    "rollout_call_p999_us": rt[min(len(rt) - 1, int(len(rt) * 0.999))] * 1e6,
    "torch": torch.__version__, "threads": threads,
}))
