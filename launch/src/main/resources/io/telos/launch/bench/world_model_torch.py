"""The learned world model's network and training step in PyTorch, for side-by-side timing.

Same shapes and computation as planner-djl's LatentModel (model format 2): the latent is
[(q - mean) / std, qd / v ; h], h = encoder MLP on [sin q, cos q, qd / v]; M predictor members run
as batched matrix products, z' = z + delta * (MLP([z, sin q, cos q, a]) + linear([z, a])); an
end-effector head (3-layer MLP) trained on detached latents. Loss: the observed part against the next
observation in units of delta, the learned part against the stop-gradient encoder (JEPA), the head,
VICReg variance/covariance on h; Adam with element-wise gradient clipping at 1 and a cosine
learning rate, as planner-djl's Trainer; each step draws a fresh batch of windows from 8 recorded
trajectories of 100 steps (as the Java side does) and reads the loss and its parts back.
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
S = 2 * n + L
E = 128


def glorot(*s):
    return (torch.randn(*s) * (2.0 / (s[-2] + s[-1])) ** 0.5).requires_grad_()


def zeros(*s):
    return torch.zeros(*s, requires_grad=True)


P = {
    "enc.w1": glorot(f, H), "enc.b1": zeros(H), "enc.w2": glorot(H, L), "enc.b2": zeros(L),
    "pred.w1": glorot(M, S + 3 * n, H), "pred.b1": zeros(M, 1, H),
    "pred.w2": glorot(M, H, H), "pred.b2": zeros(M, 1, H),
    "pred.w3": (torch.randn(M, H, S) * 0.1).requires_grad_(), "pred.b3": zeros(M, 1, S),
    "pred.lin": (torch.randn(M, S + n, S) * 0.01).requires_grad_(),
    "ee.w1": glorot(S, E), "ee.b1": zeros(E), "ee.w2": glorot(E, E), "ee.b2": zeros(E),
    "ee.w3": glorot(E, 3), "ee.b3": zeros(3),
}
q_mean = torch.zeros(n)
q_std = torch.ones(n)
delta = torch.full((S,), 0.05)
vs = torch.full((n,), 2.0)
acs = torch.full((n,), 2.0)
obs = 2 * n


def observed(q, qd):
    return torch.cat([(q - q_mean) / q_std, qd / vs], -1)


def learned(q, qd):
    x = torch.cat([q.sin(), q.cos(), qd / vs], -1)
    return torch.relu(x @ P["enc.w1"] + P["enc.b1"]) @ P["enc.w2"] + P["enc.b2"]


def pred_all(z, a):
    a = a / acs
    q = z[..., :n] * q_std + q_mean
    ax = a if z.dim() == 2 else a.unsqueeze(0).expand(M, -1, -1)
    za = torch.cat([z, ax], -1)
    x = torch.cat([z, q.sin(), q.cos(), ax], -1)
    h1 = torch.relu(torch.matmul(x, P["pred.w1"]) + P["pred.b1"])
    h2 = torch.relu(torch.matmul(h1, P["pred.w2"]) + P["pred.b2"])
    d = torch.matmul(h2, P["pred.w3"]) + P["pred.b3"] + torch.matmul(za, P["pred.lin"])
    return d * delta + z


def pee(z):
    h = torch.relu(z @ P["ee.w1"] + P["ee.b1"])
    h = torch.relu(h @ P["ee.w2"] + P["ee.b2"])
    return h @ P["ee.w3"] + P["ee.b3"]


def loss(q, qd, ee, a):
    h0 = learned(q[:, 0], qd[:, 0])
    z = torch.cat([observed(q[:, 0], qd[:, 0]), h0], -1)
    e = ((pee(z.detach()) - ee[:, 0]) ** 2).mean()
    o_sum = 0
    l_sum = 0
    for t in range(1, K + 1):
        z = pred_all(z, a[:, t - 1])
        st = observed(q[:, t], qd[:, t])
        ht = learned(q[:, t], qd[:, t])
        o_sum = o_sum + (((z[:, :, :obs] - st.unsqueeze(0)) / delta[:obs]) ** 2).mean()
        l_sum = l_sum + ((z[:, :, obs:] - ht.detach().unsqueeze(0)) ** 2).mean()
        e = e + ((pee(torch.cat([st, ht], -1).detach()) - ee[:, t]) ** 2).mean()
    c = h0 - h0.mean(0, keepdim=True)
    std = (c.pow(2).mean(0) + 1e-4).sqrt()
    cov = c.t() @ c / (B - 1)
    off = cov.pow(2).sum() - cov.diag().pow(2).sum()
    total = o_sum / K + l_sum / K + 100 * e / (K + 1) + torch.relu(1 - std).mean() + 0.04 * off / L
    return total, o_sum / K + l_sum / K, e / (K + 1)


opt = torch.optim.Adam(P.values(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps + 20, eta_min=2e-5)
T, LEN = 8, 100
gen = torch.Generator().manual_seed(1)
q_all = torch.rand(T, LEN + 1, n, generator=gen)
qd_all = torch.rand(T, LEN + 1, n, generator=gen)
ee_all = torch.rand(T, LEN + 1, 3, generator=gen)
a_all = torch.rand(T, LEN, n, generator=gen)
span = torch.arange(K + 1)
times = []
for s in range(steps + 20):
    t0 = time.perf_counter()
    tr = torch.randint(T, (B, 1), generator=gen)
    st = torch.randint(LEN - K + 1, (B, 1), generator=gen) + span
    q, qd, ee, a = q_all[tr, st], qd_all[tr, st], ee_all[tr, st], a_all[tr, st[:, :K]]
    opt.zero_grad()
    l, part_latent, part_ee = loss(q, qd, ee, a)
    l.backward()
    torch.nn.utils.clip_grad_value_(P.values(), 1.0)
    opt.step()
    sched.step()
    curve = (l.item(), part_latent.item(), part_ee.item())
    if s >= 20:
        times.append(time.perf_counter() - t0)
train_s = sum(times)

with torch.no_grad():
    z = torch.randn(rb, S)
    act = torch.randn(rb, n)
    rt = []
    for c in range(calls + 50):
        t0 = time.perf_counter()
        allz = pred_all(z, act)
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
