"""Pruebas del bucle de entrenamiento y sus utilidades."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from torch import nn

from genai_utils.training import (
    History,
    count_parameters,
    evaluate,
    fit,
    get_device,
    limit_threads,
    set_seed,
)


def _regression(n: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.linspace(-1, 1, n).unsqueeze(1)
    return x, 3 * x + 1


def _mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((model(x) - y) ** 2).mean()


def _linear(seed: int = 0) -> nn.Linear:
    torch.manual_seed(seed)
    return nn.Linear(1, 1)


def test_set_seed_reproduce_todas_las_fuentes() -> None:
    set_seed(7)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(7)
    assert a == (random.random(), np.random.rand(), torch.rand(1).item())
    with pytest.raises(ValueError, match="seed"):
        set_seed(-1)


def test_dispositivo_y_parametros() -> None:
    assert get_device(prefer_gpu=False) == torch.device("cpu")
    assert isinstance(get_device(), torch.device)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert count_parameters(model) == 3 * 4 + 4 + 4 * 2 + 2
    model[0].weight.requires_grad_(False)
    assert count_parameters(model) == 4 + 4 * 2 + 2
    with pytest.raises(TypeError, match="model"):
        count_parameters("red")


def test_fit_aprende_una_recta() -> None:
    x, y = _regression()
    model = _linear()
    history = fit(model, _mse, (x, y), epochs=60, batch_size=32, lr=0.05, device="cpu",
                  progress=False)
    assert isinstance(history, History)
    assert len(history.losses) == 60 and history.val_losses == []
    assert history.final_loss < 1e-3 * history.losses[0]
    assert model.weight.item() == pytest.approx(3.0, abs=0.01)
    assert model.bias.item() == pytest.approx(1.0, abs=0.01)
    assert history.seconds > 0


def test_fit_es_determinista_con_azar_en_la_perdida() -> None:
    x, y = _regression()

    def noisy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((model(x) + 0.1 * torch.randn_like(y) - y) ** 2).mean()

    runs = [fit(_linear(), noisy, (x, y), epochs=5, batch_size=16, seed=s, progress=False,
                device="cpu").losses for s in (1, 1, 2)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_fit_rng_global_restaurado() -> None:
    x, y = _regression()
    model = _linear()
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    fit(model, _mse, (x, y), epochs=2, progress=False, device="cpu")
    assert torch.equal(torch.rand(3), expected)


def test_fit_con_validacion_y_un_solo_tensor() -> None:
    x, y = _regression()
    model = _linear()
    history = fit(model, _mse, (x, y), epochs=4, val_data=(x[:50], y[:50]), progress=False,
                  device="cpu")
    assert len(history.val_losses) == 4
    assert model.training
    assert history.val_losses[-1] == pytest.approx(evaluate(model, _mse, (x[:50], y[:50])))

    data = torch.randn(100, 3)
    auto = nn.Linear(3, 3)
    h = fit(auto, lambda m, v: ((m(v) - v) ** 2).mean(), data, epochs=3, progress=False)
    assert len(h.losses) == 3


def test_fit_funciona_dentro_de_no_grad() -> None:
    x, y = _regression()
    with torch.no_grad():
        history = fit(_linear(), _mse, (x, y), epochs=3, progress=False, device="cpu")
    assert history.final_loss < history.losses[0]


def test_fit_perdida_sin_gradiente() -> None:
    x, y = _regression()
    with pytest.raises(RuntimeError, match="loss_fn"):
        fit(_linear(), lambda m, a, b: _mse(m, a, b).detach(), (x, y), epochs=1, progress=False)


def test_limit_threads_restaura() -> None:
    before = torch.get_num_threads()
    with limit_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="`n`"):
        with limit_threads(0):
            pass


def test_fit_optimizador_propio() -> None:
    x, y = _regression()
    model = _linear()
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, _mse, (x, y), epochs=30, optimizer=sgd, progress=False, device="cpu")
    assert history.final_loss < history.losses[0]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"epochs": 0}, "epochs"), ({"epochs": -3}, "epochs"), ({"epochs": 2.0}, "epochs"),
     ({"epochs": 1, "batch_size": 0}, "batch_size"), ({"epochs": 1, "lr": -1.0}, "lr"),
     ({"epochs": 1, "optimizer": "adam"}, "optimizer")],
)
def test_fit_argumentos_invalidos(kwargs: dict, name: str) -> None:
    x, y = _regression()
    with pytest.raises((ValueError, TypeError), match=name):
        fit(_linear(), _mse, (x, y), progress=False, **kwargs)


def test_fit_datos_invalidos() -> None:
    x, y = _regression()
    with pytest.raises(ValueError, match=r"`data`.*misma primera dimensión"):
        fit(_linear(), _mse, (x, y[:10]), epochs=1, progress=False)
    with pytest.raises(TypeError, match="`data`"):
        fit(_linear(), _mse, [[1.0, 2.0]], epochs=1, progress=False)
    with pytest.raises(ValueError, match="`val_data`"):
        fit(_linear(), _mse, (x, y), val_data=(x, y[:3]), epochs=1, progress=False)
    with pytest.raises(TypeError, match="`loss_fn`"):
        fit(_linear(), None, (x, y), epochs=1, progress=False)


def test_fit_perdida_no_escalar_o_no_finita() -> None:
    x, y = _regression()
    with pytest.raises(ValueError, match=r"escalar.*\.mean\(\)"):
        fit(_linear(), lambda m, a, b: (m(a) - b) ** 2, (x, y), epochs=1, progress=False)
    with pytest.raises(TypeError, match="escalar"):
        fit(_linear(), lambda m, a, b: 1.0, (x, y), epochs=1, progress=False)
    with pytest.raises(FloatingPointError, match="`lr`"):
        fit(_linear(), _mse, (x, y * 1e30), epochs=3, lr=1e10, progress=False)


def test_historial_vacio() -> None:
    with pytest.raises(ValueError, match="vacío"):
        _ = History().final_loss
    assert History({"loss": [2.0, 1.0]}).final_loss == 1.0
