"""Inferencia de pertenencia: ¿estaba este ejemplo en los datos de entrenamiento?

El ataque más sencillo es el del umbral de pérdida (Yeom et al., 2018): un modelo sobreajustado
tiene una pérdida más baja en los ejemplos con los que se entrenó que en ejemplos nuevos, así que
el atacante dice «miembro» cuando la pérdida queda por debajo de un umbral. Para no elegir el
umbral, se mide con la curva ROC:

* :func:`loss_scores`: la puntuación de cada ejemplo, ``−pérdida`` (más alta = más «miembro»).
* :func:`roc_auc`: el área bajo la curva ROC escrita desde cero con la U de Mann–Whitney: la
  probabilidad de que un miembro al azar puntúe más que un no miembro al azar (los empates
  cuentan ½). Un ataque a ciegas da 0,5.
* :func:`roc_curve` y :func:`tpr_at_fpr`: la curva completa y la tasa de aciertos con una tasa de
  falsas alarmas muy baja, la cifra que importa a un atacante real (Carlini et al., 2022).
* :func:`membership_advantage`: la ventaja de Yeom, ``TPR − FPR`` con el umbral en la pérdida
  media de entrenamiento.
* :func:`attack_summary`: todo junto a partir de las pérdidas de miembros y no miembros.
* :func:`bootstrap_tpr_at_fpr`: un intervalo *bootstrap* para la TPR con FPR fija, que con pocos
  no miembros varía mucho (con 200, una FPR del 1 % son solo dos falsas alarmas).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from genai_utils.report import fmt_num
from genai_utils.validation import (
    check_fraction,
    check_non_negative_int,
    check_positive_int,
    check_real,
)
from genai_utils.validation_tensors import check_tensor

__all__ = [
    "AttackSummary",
    "attack_summary",
    "bootstrap_tpr_at_fpr",
    "labels_and_scores",
    "loss_scores",
    "membership_advantage",
    "roc_auc",
    "roc_curve",
    "tpr_at_fpr",
]


def _check_vector(x: object, name: str) -> torch.Tensor:
    check_tensor(x, name, ndim=1)
    if x.is_complex():
        raise TypeError(
            f"El argumento `{name}` debe ser un tensor real; se recibió dtype {x.dtype}."
        )
    if len(x) == 0:
        raise ValueError(f"El argumento `{name}` no contiene ningún valor.")
    x = x.detach().to("cpu", torch.float64)
    if not torch.isfinite(x).all():
        raise ValueError(f"El argumento `{name}` contiene valores NaN o infinitos.")
    return x


def loss_scores(losses: torch.Tensor) -> torch.Tensor:
    """Puntuación de pertenencia de cada ejemplo a partir de su pérdida: ``−pérdida``."""
    return -_check_vector(losses, "losses")


def labels_and_scores(
    member_losses: torch.Tensor, nonmember_losses: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Junta las pérdidas en etiquetas (1 = miembro, 0 = no miembro) y puntuaciones ``−pérdida``."""
    members = loss_scores(_check_vector(member_losses, "member_losses"))
    others = loss_scores(_check_vector(nonmember_losses, "nonmember_losses"))
    labels = torch.cat([torch.ones(len(members)), torch.zeros(len(others))]).long()
    return labels, torch.cat([members, others])


def _check_labels_scores(labels: object, scores: object) -> tuple[torch.Tensor, torch.Tensor]:
    check_tensor(labels, "labels", ndim=1)
    y = labels.detach().cpu()
    s = _check_vector(scores, "scores")
    if len(y) != len(s):
        raise ValueError(
            f"Los argumentos `labels` y `scores` deben tener la misma longitud; se recibieron "
            f"{len(y)} y {len(s)}."
        )
    if not ((y == 0) | (y == 1)).all():
        raise ValueError("El argumento `labels` solo puede contener 0 (no miembro) y 1 (miembro).")
    y = y.bool()
    if y.all() or not y.any():
        raise ValueError(
            "El argumento `labels` necesita al menos un 1 (miembro) y un 0 (no miembro) para "
            "medir la curva ROC."
        )
    return y, s


def _average_ranks(x: torch.Tensor) -> torch.Tensor:
    """Rangos 1…N de ``x``; los valores empatados reciben la media de sus rangos."""
    values, inverse, counts = torch.unique(x, return_inverse=True, return_counts=True)
    last = counts.cumsum(0).double()  # rango del último elemento de cada grupo de empates
    first = last - counts.double() + 1
    return ((first + last) / 2)[inverse]


def roc_auc(labels: torch.Tensor, scores: torch.Tensor) -> float:
    """Área bajo la curva ROC; los argumentos van como en ``sklearn.metrics.roc_auc_score``.

    Es el estadístico U de Mann-Whitney dividido por ``n₁·n₀``: con los rangos ``R`` de todas las
    puntuaciones (los empates se reparten el rango medio), ``AUC = (ΣR_miembros − n₁(n₁+1)/2) /
    (n₁·n₀)``, es decir, la probabilidad de que un miembro puntúe más que un no miembro, con los
    empates contados como ½.
    """
    y, s = _check_labels_scores(labels, scores)
    n1, n0 = int(y.sum()), int((~y).sum())
    rank_sum = float(_average_ranks(s)[y].sum())
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)


def roc_curve(
    labels: torch.Tensor, scores: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Curva ROC: ``(fpr, tpr, umbrales)``, un punto por cada puntuación distinta más el (0, 0).

    Con el umbral ``u`` se declara «miembro» a todo ejemplo con puntuación ``≥ u``; los umbrales
    van de mayor a menor (el primero es ``+∞``), así que ``fpr`` y ``tpr`` crecen.
    """
    y, s = _check_labels_scores(labels, scores)
    order = torch.argsort(s, descending=True, stable=True)
    s, y = s[order], y[order].double()
    distinct = torch.nonzero(s[1:] != s[:-1]).flatten()  # último índice de cada valor distinto
    ends = torch.cat([distinct, torch.tensor([len(s) - 1])])
    tps, fps = y.cumsum(0)[ends], (1 - y).cumsum(0)[ends]
    zero = torch.zeros(1, dtype=torch.float64)
    fpr = torch.cat([zero, fps / fps[-1]])
    tpr = torch.cat([zero, tps / tps[-1]])
    thresholds = torch.cat([torch.tensor([float("inf")], dtype=torch.float64), s[ends]])
    return fpr, tpr, thresholds


def tpr_at_fpr(labels: torch.Tensor, scores: torch.Tensor, fpr: float = 0.01) -> float:
    """Mayor tasa de verdaderos positivos de la curva ROC con tasa de falsos positivos ``≤ fpr``."""
    check_fraction(fpr, "fpr")
    curve_fpr, curve_tpr, _ = roc_curve(labels, scores)
    return float(curve_tpr[curve_fpr <= fpr + 1e-12].max())


def membership_advantage(
    member_losses: torch.Tensor, nonmember_losses: torch.Tensor, threshold: float | None = None
) -> float:
    """Ventaja del ataque de Yeom: ``TPR − FPR`` al declarar miembro si ``pérdida ≤ threshold``.

    Por defecto el umbral es la pérdida media de los miembros (el atacante de Yeom et al. conoce
    la pérdida media de entrenamiento). Vale 0 para un ataque a ciegas y 1 para uno perfecto.
    """
    members = _check_vector(member_losses, "member_losses")
    others = _check_vector(nonmember_losses, "nonmember_losses")
    cut = float(members.mean()) if threshold is None else check_real(threshold, "threshold")
    return float((members <= cut).double().mean() - (others <= cut).double().mean())


@dataclass(frozen=True)
class AttackSummary:
    """Resultado del ataque por umbral de pérdida: AUC, TPR a FPR 1 % y 5 %, y ventaja."""

    auc: float
    tpr_at_1: float
    tpr_at_5: float
    advantage: float

    def __str__(self) -> str:
        return (f"AUC {fmt_num(self.auc, 3)} (azar: 0,500); "
                f"TPR con FPR 1 %: {fmt_num(self.tpr_at_1, 3)}; "
                f"TPR con FPR 5 %: {fmt_num(self.tpr_at_5, 3)}; "
                f"ventaja de Yeom {fmt_num(self.advantage, 3)}")


def attack_summary(member_losses: torch.Tensor, nonmember_losses: torch.Tensor) -> AttackSummary:
    """Mide el ataque por umbral con las pérdidas por ejemplo de miembros y de no miembros."""
    labels, scores = labels_and_scores(member_losses, nonmember_losses)
    return AttackSummary(
        auc=roc_auc(labels, scores),
        tpr_at_1=tpr_at_fpr(labels, scores, 0.01),
        tpr_at_5=tpr_at_fpr(labels, scores, 0.05),
        advantage=membership_advantage(member_losses, nonmember_losses),
    )


def bootstrap_tpr_at_fpr(
    member_losses: torch.Tensor,
    nonmember_losses: torch.Tensor,
    fpr: float = 0.01,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Intervalo *bootstrap* de percentiles (nivel ``level``) para :func:`tpr_at_fpr`.

    Remuestrea con reemplazo, por separado, los miembros y los no miembros ``n_boot`` veces y
    devuelve los percentiles ``(1 − level)/2`` y ``(1 + level)/2`` de la TPR con FPR ``≤ fpr``.
    """
    members = _check_vector(member_losses, "member_losses")
    others = _check_vector(nonmember_losses, "nonmember_losses")
    check_fraction(fpr, "fpr")
    check_fraction(level, "level")
    check_positive_int(n_boot, "n_boot")
    check_non_negative_int(seed, "seed")
    generator = torch.Generator().manual_seed(seed)
    values = []
    for _ in range(n_boot):
        m = members[torch.randint(0, len(members), (len(members),), generator=generator)]
        o = others[torch.randint(0, len(others), (len(others),), generator=generator)]
        values.append(tpr_at_fpr(*labels_and_scores(m, o), fpr))
    boot = torch.tensor(values, dtype=torch.float64)
    cuts = torch.tensor([(1 - level) / 2, (1 + level) / 2], dtype=torch.float64)
    low, high = torch.quantile(boot, cuts)
    return float(low), float(high)
