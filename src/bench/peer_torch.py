"""The PyTorch side of `make bench-peer`: the kit's two models, trained step by
step exactly as the kit's experiment loop trains them, timed in blocks that
the Node side asks for over stdin/stdout, so both run in one benchmark.

Per step, on both sides: draw a minibatch (random indices into the training
images, held in memory), forward, softmax cross-entropy, backward, RMSProp
(decay 0.9, momentum 0.9, epsilon 1e-6, learning rate 1e-3), the moving
average of every parameter and moving statistic, and a running tally of loss
and correct predictions. Neither side evaluates inside the timed blocks.

Models (as the kit's `buildModel`): the MLP 784-100-100-100-10 and the conv
model (5x5x16 'same', max-pool 2, 5x5x32, max-pool 2, dense 100, dense 10);
each linear layer bias-free and followed by its normalization, then ReLU;
the logits layer has a bias. BN is torch.nn.BatchNorm1d/2d with the kit's
momentum (0.99, so PyTorch's 0.01) and epsilon (1e-3); BRN is Algorithm 1 of
Ioffe (2017) in plain torch ops, r and d detached, the moving mean and
standard deviation updated as the paper says.

Protocol (one command per line on stdin, one answer per line on stdout):
  setup <key> <mlp|conv> <bn|brn> <batch>   ->  ok
  run <key> <steps>                         ->  <milliseconds for the steps>
  quit
Run: python3 peer_torch.py <train-images-idx3-ubyte[.gz]> <train-labels-idx1-ubyte[.gz]>
"""
import gzip
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

MOMENTUM = 0.99  # the kit's; PyTorch's momentum is 1 - this
EPSILON = 1e-3
EMA_DECAY = 0.9999


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims[0], -1)


def load(images_path, labels_path):
    images = torch.from_numpy(read_idx(images_path).astype(np.float32) / 255.0)
    labels = torch.from_numpy(read_idx(labels_path).reshape(-1).astype(np.int64))
    return images, labels


class BatchRenorm(torch.nn.Module):
    """Algorithm 1 over every axis but the channels (dim 1), r and d detached."""

    def __init__(self, channels, rmax=3.0, dmax=5.0):
        super().__init__()
        self.gamma = torch.nn.Parameter(torch.ones(channels))
        self.beta = torch.nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_std", torch.ones(channels))
        self.rmax, self.dmax = rmax, dmax

    def forward(self, x):
        dims = [0] + list(range(2, x.dim()))
        shape = [1, -1] + [1] * (x.dim() - 2)
        mean = x.mean(dims)
        std = torch.sqrt(x.var(dims, unbiased=False) + EPSILON)
        r = (std / self.moving_std).clamp(1 / self.rmax, self.rmax).detach()
        d = ((mean - self.moving_mean) / self.moving_std).clamp(-self.dmax, self.dmax).detach()
        xhat = (x - mean.view(shape)) / std.view(shape) * r.view(shape) + d.view(shape)
        with torch.no_grad():
            self.moving_mean += (1 - MOMENTUM) * (mean - self.moving_mean)
            self.moving_std += (1 - MOMENTUM) * (std - self.moving_std)
        return self.gamma.view(shape) * xhat + self.beta.view(shape)


def norm(kind, channels, dims):
    if kind == "brn":
        return BatchRenorm(channels)
    cls = torch.nn.BatchNorm2d if dims == 2 else torch.nn.BatchNorm1d
    return cls(channels, momentum=1 - MOMENTUM, eps=EPSILON)


def build(model, kind):
    torch.manual_seed(1)
    relu = torch.nn.ReLU
    if model == "mlp":
        layers, width = [], 784
        for units in (100, 100, 100):
            layers += [torch.nn.Linear(width, units, bias=False), norm(kind, units, 1), relu()]
            width = units
        return torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))
    return torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 28, 28)),
        torch.nn.Conv2d(1, 16, 5, padding=2, bias=False),
        norm(kind, 16, 2),
        relu(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 5, padding=2, bias=False),
        norm(kind, 32, 2),
        relu(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(1568, 100, bias=False),
        norm(kind, 100, 1),
        relu(),
        torch.nn.Linear(100, 10),
    )


class Loop:
    def __init__(self, images, labels, model, kind, batch):
        self.images, self.labels, self.batch = images, labels, batch
        self.net = build(model, kind)
        self.net.train()
        self.optimizer = torch.optim.RMSprop(self.net.parameters(), lr=1e-3, alpha=0.9, eps=1e-6, momentum=0.9)
        self.values = [p for p in self.net.parameters()] + [
            b for n, b in self.net.named_buffers() if n.endswith(("mean", "var", "std"))
        ]
        self.average = [v.detach().clone() for v in self.values]
        self.loss = torch.zeros(())
        self.correct = torch.zeros((), dtype=torch.long)
        self.generator = torch.Generator().manual_seed(1)

    def step(self):
        index = torch.randint(0, self.images.shape[0], (self.batch,), generator=self.generator)
        x, y = self.images[index], self.labels[index]
        logits = self.net(x)
        loss = torch.nn.functional.cross_entropy(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        with torch.no_grad():
            torch._foreach_mul_(self.average, EMA_DECAY)
            torch._foreach_add_(self.average, [v.detach() for v in self.values], alpha=1 - EMA_DECAY)
            self.loss += loss.detach()
            self.correct += (logits.argmax(1) == y).sum()


def main():
    images, labels = load(sys.argv[1], sys.argv[2])
    loops = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "setup":
            key, model, kind, batch = words[1], words[2], words[3], int(words[4])
            loops[key] = Loop(images, labels, model, kind, batch)
            print("ok", flush=True)
        elif words[0] == "run":
            loop, steps = loops[words[1]], int(words[2])
            started = time.perf_counter()
            for _ in range(steps):
                loop.step()
            print(f"{1000 * (time.perf_counter() - started):.3f}", flush=True)
        else:
            print(f"error unknown command {words[0]}", flush=True)


if __name__ == "__main__":
    main()
