"""Pruebas del bucle único (:class:`genai_utils.trainer.Trainer`) y del historial único."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from genai_utils.history import History
from genai_utils.trainer import Trainer, optimizer_step


def _linear(seed: int = 0) -> nn.Linear:
    torch.manual_seed(seed)
    return nn.Linear(1, 1)


def _mse_step(model: nn.Module):
    def step(batch: tuple[torch.Tensor, torch.Tensor]) -> dict[str, torch.Tensor]:
        x, y = batch
        return {"loss": ((model(x) - y) ** 2).mean()}

    return step


def _line(n: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.linspace(-1, 1, n).unsqueeze(1)
    return x, 2 * x - 1


# ------------------------------------------------------------------ el historial
def test_historial_series_con_nombre_y_atajos() -> None:
    h = History()
    h.record("loss", 2.0, 10)
    h.record("loss", 1.0, 20)
    h.record("val_loss", 1.5, 20)
    h.record("d_loss", 0.7, 1)
    assert h["loss"] == [2.0, 1.0] and h.steps_of("loss") == [10, 20]
    assert h.losses == h.train_losses == [2.0, 1.0] and h.steps == [10, 20]
    assert h.val_losses == [1.5] and h.val_steps == [20] and h.d_losses == [0.7]
    assert h.g_losses == [] and "g_loss" not in h and "loss" in h
    assert h.names == ["loss", "val_loss", "d_loss"] and h.final_loss == 1.0
    with pytest.raises(KeyError, match="g_loss"):
        h["g_loss"]
    inicial = History({"loss": [3.0, 2.0]}, snapshots={0: torch.zeros(1)}, seconds=1.5)
    assert inicial.steps == [1, 2] and list(inicial.snapshots) == [0] and inicial.seconds == 1.5
    assert "loss: 2" in repr(inicial)


# ------------------------------------------------------------------ el bucle
def test_medias_por_tramo_y_final() -> None:
    valores = iter(range(1, 8))
    trainer = Trainer(lambda batch: {"v": float(next(valores))}, log_every=3, progress=False)
    h = trainer.run(lambda: None, steps=7)
    assert h["v"] == [2.0, 5.0, 7.0] and h.steps_of("v") == [3, 6, 7]
    assert trainer.steps_done == 7 and trainer.last == {"v": 7.0} and h.seconds >= 0


def test_aprende_con_optimizador_calendario_y_recorte() -> None:
    model, (x, y) = _linear(), _line()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    tasas = []
    trainer = Trainer(_mse_step(model), optimizer=opt, clip_grad=1.0, progress=False,
                      schedule=lambda step, done: 0.5 * (1 - done))
    trainer.add_callback("on_step_end", lambda t: tasas.append(opt.param_groups[0]["lr"]))
    h = trainer.run(lambda: (x, y), steps=50)
    assert tasas[0] == 0.5 and tasas[-1] == pytest.approx(0.5 / 50)
    assert h.losses[-1] < 1e-2 * h.losses[0]


def test_calendario_antes_del_lote_y_evaluacion_periodica() -> None:
    orden = []
    model = _linear()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def schedule(step: int, done: float) -> float:
        orden.append(("tasa", step))
        return 0.1

    def next_batch():
        orden.append(("lote", len(orden)))
        return _line(4)

    trainer = Trainer(_mse_step(model), optimizer=opt, schedule=schedule, log_every=2,
                      progress=False)
    trainer.add_callback("on_log", lambda t: t.history.record("val_loss", 1.0, t.steps_done))
    h = trainer.run(next_batch, steps=3)
    assert [o[0] for o in orden] == ["tasa", "lote"] * 3
    assert h.val_steps == [2, 3] == h.steps


def test_presupuesto_de_segundos() -> None:
    h = Trainer(lambda batch: {"v": 1.0}, progress=False).run(lambda: None, max_seconds=0.05)
    assert h.seconds >= 0.05 and len(h["v"]) >= 1


def test_epocas_media_por_ejemplo() -> None:
    lotes = [torch.ones(3), torch.ones(1)]
    valores = iter([1.0, 5.0, 2.0, 2.0])
    trainer = Trainer(lambda batch: {"loss": next(valores)}, progress=False)
    h = trainer.run_epochs(lambda epoch: [(b,) for b in lotes], epochs=2)
    assert h.losses == [(1.0 * 3 + 5.0) / 4, 2.0] and h.steps == [2, 4]


def test_semilla_e_hilos_se_restauran() -> None:
    torch.manual_seed(5)
    esperado = torch.rand(3)
    torch.manual_seed(5)
    antes = torch.get_num_threads()
    vistos = []
    trainer = Trainer(lambda batch: {"r": torch.rand(()).item()}, seed=1, threads=1,
                      progress=False)
    trainer.add_callback("on_step_end", lambda t: vistos.append(torch.get_num_threads()))
    h = trainer.run(lambda: None, steps=2)
    assert torch.equal(torch.rand(3), esperado) and torch.get_num_threads() == antes
    assert vistos == [1, 1]
    torch.manual_seed(1)
    assert h["r"] == [torch.rand(()).item(), torch.rand(()).item()]


def test_optimizer_step_recorta_la_norma() -> None:
    p = nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([p], lr=1.0)
    optimizer_step(opt, (p * torch.tensor([30.0, 40.0])).sum(), clip_grad=5.0)
    assert torch.allclose(p.detach(), torch.tensor([-3.0, -4.0]))


def test_errores_claros() -> None:
    model = _linear()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="`step`"):
        Trainer("paso")
    with pytest.raises(TypeError, match="`optimizer`"):
        Trainer(_mse_step(model), optimizer="adam")
    with pytest.raises(ValueError, match="`schedule`"):
        Trainer(_mse_step(model), schedule=lambda s, d: 0.1)
    with pytest.raises(ValueError, match="`clip_grad`"):
        Trainer(_mse_step(model), optimizer=opt, clip_grad=0.0)
    with pytest.raises(ValueError, match="`log_every`"):
        Trainer(_mse_step(model), log_every=0)
    with pytest.raises(ValueError, match="`event`"):
        Trainer(_mse_step(model)).add_callback("al_final", print)
    trainer = Trainer(_mse_step(model), progress=False)
    with pytest.raises(ValueError, match="max_seconds"):
        trainer.run(_line)
    with pytest.raises(ValueError, match="`steps`"):
        trainer.run(_line, steps=0)
    with pytest.raises(TypeError, match='"loss"'):
        Trainer(lambda b: {"perdida": 1.0}, optimizer=opt, progress=False).run(_line, steps=1)
    with pytest.raises(FloatingPointError, match=r"`d_loss`.*paso 2.*`lr`"):
        valores = iter([1.0, math.nan])
        Trainer(lambda b: {"d_loss": next(valores)}, progress=False).run(lambda: None, steps=3)
