"""Huellas: cada bucle portado a :class:`~genai_utils.trainer.Trainer` da, bit a bit, lo mismo que
el bucle escrito a mano que había antes (copiado aquí tal cual, como referencia).

Misma semilla, mismos minilotes, mismo orden de consumo del azar (también el global, que se
comprueba sorteando después) y mismos números: los cuadernos afirman resultados medidos, así
que el bucle común no puede cambiar ni un bit. Presupuestos diminutos: son pruebas rápidas.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from genai_utils import diffusion, gan
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.lm import train_lm
from genai_utils.mixture import GaussianMixture, _init_from_data, fit_mixture
from genai_utils.schedules import warmup_then_cosine
from genai_utils.training import fit, limit_threads


def _params(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def _step(opt: torch.optim.Optimizer, loss: torch.Tensor, clip: nn.Module | None = None) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        nn.utils.clip_grad_norm_(clip.parameters(), 1.0)
    opt.step()


def _noisy_mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((model(x) + 0.1 * torch.randn_like(y) - y) ** 2).mean()


def _fit_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 8), nn.Dropout(0.2), nn.Linear(8, 1))


def test_fit_como_el_bucle_por_epocas_de_antes() -> None:
    x = torch.linspace(-1, 1, 100).unsqueeze(1)
    y = 3 * x + 1  # 100 ejemplos en lotes de 16: el último lote es más pequeño
    model = _fit_model()
    with limit_threads(1):
        h = fit(model, _noisy_mse, (x, y), epochs=4, batch_size=16, lr=0.05,
                val_data=(x[:30], y[:30]), seed=3, device="cpu", progress=False)
    ref, losses, val = _fit_model(), [], []
    opt, order_rng = torch.optim.Adam(ref.parameters(), lr=0.05), torch.Generator().manual_seed(3)
    with torch.random.fork_rng(devices=[]), limit_threads(1):
        torch.manual_seed(3)
        for _ in range(4):
            ref.train()
            order, total, count = torch.randperm(100, generator=order_rng), 0.0, 0
            for i in range(0, 100, 16):
                idx = order[i : i + 16]
                loss = _noisy_mse(ref, x[idx], y[idx])
                _step(opt, loss)
                total, count = total + loss.item() * len(idx), count + len(idx)
            losses.append(total / count)
            ref.eval()  # evaluate: lotes de 16 en orden, media por ejemplo
            with torch.no_grad():
                v = [_noisy_mse(ref, x[a:b], y[a:b]).item() for a, b in ((0, 16), (16, 30))]
            val.append((v[0] * 16 + v[1] * 14) / 30)
    assert h.losses == losses and h.val_losses == val
    assert torch.equal(_params(model), _params(ref))


def _gan_pair() -> tuple[gan.Generator, gan.Discriminator]:
    torch.manual_seed(0)
    return gan.Generator(2, 2, hidden=16), gan.Discriminator(2, hidden=16)


def test_gan_como_el_bucle_de_antes() -> None:
    data, z_fixed = gan.sample_ring(300), torch.randn(8, 2)
    g, d = _gan_pair()
    with limit_threads(1):
        h = gan.train_gan(g, d, data, steps=12, batch_size=32, lr=1e-3, seed=3, snapshot_every=5,
                          snapshot_z=z_fixed, device="cpu", progress=False)
    rg, rd = _gan_pair()
    opt_g, opt_d = gan.adam_pair(rg, rd, 1e-3)
    rng, d_losses, g_losses, snaps = torch.Generator().manual_seed(3), [], [], {}
    with limit_threads(1):
        for step in range(13):
            if step % 5 == 0:
                with torch.no_grad():
                    snaps[step] = rg.eval()(z_fixed)
                rg.train()
            if step == 12:
                break
            idx = torch.randint(0, len(data), (32,), generator=rng)
            z = torch.randn(32, 2, generator=rng)
            dl, gl = gan.train_step(rg, rd, opt_g, opt_d, data[idx], z)
            d_losses.append(dl)
            g_losses.append(gl)
    assert h.d_losses == d_losses and h.g_losses == g_losses
    assert sorted(h.snapshots) == sorted(snaps) == [0, 5, 10]
    assert all(torch.equal(h.snapshots[k], snaps[k]) for k in snaps)
    assert torch.equal(_params(g), _params(rg)) and torch.equal(_params(d), _params(rd))


def _denoiser() -> diffusion.ToyDenoiser:
    torch.manual_seed(0)
    return diffusion.ToyDenoiser(50, width=16, depth=1)


def test_difusion_como_el_bucle_de_antes() -> None:
    s = diffusion.make_schedule(50)
    data = torch.randn(256, 2, generator=torch.Generator().manual_seed(0)) * 0.1 + 2.0
    model = _denoiser()
    with limit_threads(1):
        h = diffusion.train_denoiser(model, data, s, steps=23, batch_size=32, seed=2,
                                     device="cpu", progress=False, log_every=10)
    ref = _denoiser()
    opt = torch.optim.Adam(ref.parameters(), lr=2e-3)
    ema = [p.detach().clone() for p in ref.parameters()]
    gen, losses, running = torch.Generator().manual_seed(2), [], 0.0
    with limit_threads(1):
        for step in range(23):
            for group in opt.param_groups:
                group["lr"] = warmup_then_cosine(step, step / 23, 2e-3)
            idx = torch.randint(len(data), (32,), generator=gen)
            loss = diffusion.diffusion_loss(ref, data[idx], s, generator=gen)
            _step(opt, loss)
            with torch.no_grad():
                for avg, p in zip(ema, ref.parameters(), strict=True):
                    avg.lerp_(p.detach(), 1 - 0.995)
            running += loss.item()
            if (step + 1) % 10 == 0 or step + 1 == 23:
                losses.append(running / ((step % 10) + 1))
                running = 0.0
    assert h.losses == losses and len(losses) == 3
    assert torch.equal(_params(model), torch.cat([e.flatten() for e in ema]))


def _gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=9, context=8, n_layer=1, n_head=2, n_embd=16, dropout=0.1))


def test_modelo_de_lenguaje_como_el_bucle_de_antes() -> None:
    ids = torch.tensor([i % 9 for i in range(300)])
    model = _gpt()
    torch.manual_seed(11)  # el abandono usa el azar global: debe gastarse igual
    with limit_threads(1):
        h = train_lm(model, ids, context=8, batch_size=4, lr=1e-2, max_steps=13, warmup=3,
                     val_ids=ids[:100], eval_every=5, seed=4, progress=False)
    after = torch.rand(3)
    ref = _gpt()
    opt = torch.optim.AdamW(ref.parameters(), lr=1e-2, betas=(0.9, 0.95), weight_decay=0.1)
    gen, steps, train, val, running = torch.Generator().manual_seed(4), [], [], [], []
    torch.manual_seed(11)

    def record(step: int) -> None:
        steps.append(step)
        train.append(sum(running) / len(running))
        ref.eval()  # evaluate_lm: 12 ventanas de 8 sin solapamiento, suma de nats / tokens
        with torch.no_grad():
            x, y = ids[:96].reshape(12, 8), ids[1:97].reshape(12, 8)
            logits, _ = ref(x)
            nats = F.cross_entropy(logits.reshape(-1, 9), y.reshape(-1), reduction="sum")
            val.append(nats.item() / 96)
        ref.train()

    with limit_threads(1):
        for step in range(13):
            for group in opt.param_groups:
                group["lr"] = warmup_then_cosine(step, step / 13, 1e-2, warmup=3, floor=0.1)
            starts = torch.randint(0, len(ids) - 8, (4,), generator=gen)
            x = ids[starts[:, None] + torch.arange(8)]
            y = ids[starts[:, None] + torch.arange(8) + 1]
            ref.train()
            logits, _ = ref(x)
            loss = F.cross_entropy(logits.reshape(-1, 9), y.reshape(-1))
            _step(opt, loss, clip=ref)
            running.append(loss.item())
            if (step + 1) % 5 == 0:
                record(step + 1)
                running = []
        record(13)
    assert h.steps == steps == [5, 10, 13] and h.train_losses == train
    assert h.val_steps == steps and h.val_losses == val
    assert h.tokens_seen == 13 * 4 * 8 and torch.equal(torch.rand(3), after)
    assert torch.equal(_params(model), _params(ref))


def test_mezcla_como_el_bucle_de_antes() -> None:
    x = torch.randn(200, 2, generator=torch.Generator().manual_seed(0))
    model, losses = fit_mixture(x, 3, steps=15, seed=1, progress=False)
    ref = GaussianMixture(3, 2)
    _init_from_data(ref, x, torch.Generator().manual_seed(1))
    opt, expected = torch.optim.Adam(ref.parameters(), lr=0.05), []
    for _ in range(15):
        opt.zero_grad()
        loss = ref.nll(x)
        loss.backward()
        opt.step()
        expected.append(loss.item())
    assert losses == expected and torch.equal(_params(model), _params(ref))
    assert all(math.isfinite(v) for v in losses)

