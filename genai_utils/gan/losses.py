"""Las pérdidas del juego: la del discriminador y la del generador (minimax o no saturante).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from genai_utils.gan.config import GENERATOR_LOSSES
from genai_utils.validation import check_choice
from genai_utils.validation_tensors import check_tensor


# ---------------------------------------------------------------- las pérdidas
def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Pérdida del discriminador: ``−E[log D(x)] − E[log(1 − D(G(z)))]``.

    Es la entropía cruzada binaria con etiqueta 1 para los datos reales y 0 para los generados,
    calculada a partir de los *logits* de forma estable. Con ``D = 1/2`` en todas partes vale
    ``2·log 2 ≈ 1,386``.
    """
    _check_logits(real_logits, "real_logits")
    _check_logits(fake_logits, "fake_logits")
    return _discriminator_loss(real_logits, fake_logits)


def _discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    # Sin comprobaciones: ``train_step`` la llama en cada paso.
    # −log sigmoid(l) = softplus(−l)   y   −log(1 − sigmoid(l)) = softplus(l)
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def _check_logits(logits: object, name: str) -> None:
    check_tensor(logits, name, ndim=(1, 2), floating=True, finite=True, non_empty=True)


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """Pérdida del generador a partir de los *logits* del discriminador sobre muestras falsas.

    * ``"minimax"``: ``E[log(1 − D(G(z)))]``, la del juego original; su gradiente se anula
      cuando el discriminador rechaza con seguridad las muestras (se «satura»).
    * ``"non_saturating"``: ``−E[log D(G(z))]``, la que se usa en la práctica: el mismo punto
      fijo, pero gradientes grandes justo cuando el generador lo hace mal.
    """
    _check_logits(fake_logits, "fake_logits")
    check_choice(kind, "kind", GENERATOR_LOSSES)
    return _generator_loss(fake_logits, kind)


def _generator_loss(fake_logits: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "minimax":
        return -F.softplus(fake_logits).mean()
    return F.softplus(-fake_logits).mean()


def optimal_discriminator(p_data: torch.Tensor, p_model: torch.Tensor) -> torch.Tensor:
    """Discriminador óptimo ``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` a partir de densidades."""
    check_tensor(p_data, "p_data", floating=True, finite=True, non_empty=True)
    check_tensor(p_model, "p_model", floating=True, finite=True, non_empty=True)
    if p_data.shape != p_model.shape:
        raise ValueError(
            "Los argumentos `p_data` y `p_model` deben tener la misma forma; se recibieron "
            f"{tuple(p_data.shape)} y {tuple(p_model.shape)}."
        )
    if (p_data < 0).any() or (p_model < 0).any() or ((p_data + p_model) == 0).any():
        raise ValueError(
            "Las densidades `p_data` y `p_model` deben ser no negativas y no anularse a la vez."
        )
    return p_data / (p_data + p_model)
