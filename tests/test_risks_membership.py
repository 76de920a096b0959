"""Pruebas del ataque de inferencia de pertenencia: AUC, curva ROC, TPR a FPR fija y ventaja."""

from __future__ import annotations

import pytest
import torch
from sklearn.metrics import roc_auc_score
from sklearn.metrics import roc_curve as sklearn_roc_curve

from genai_utils.risks.membership import (
    AttackSummary,
    attack_summary,
    bootstrap_tpr_at_fpr,
    labels_and_scores,
    loss_scores,
    membership_advantage,
    roc_auc,
    roc_curve,
    tpr_at_fpr,
)


def test_auc_a_mano() -> None:
    labels = torch.tensor([1, 1, 0, 0])
    assert roc_auc(labels, torch.tensor([0.9, 0.8, 0.2, 0.1])) == 1.0
    assert roc_auc(labels, torch.tensor([0.1, 0.2, 0.8, 0.9])) == 0.0
    # pares (miembro, no miembro): (3,2) gana, (3,4) pierde, (1,2) pierde, (1,4) pierde → 1/4
    assert roc_auc(labels, torch.tensor([3.0, 1.0, 2.0, 4.0])) == 0.25
    # empates: todas iguales → ½; un empate entre un miembro y un no miembro cuenta ½
    assert roc_auc(labels, torch.ones(4)) == 0.5
    assert roc_auc(labels, torch.tensor([2.0, 1.0, 1.0, 0.0])) == pytest.approx(3.5 / 4)


def test_auc_coincide_con_sklearn() -> None:
    generator = torch.Generator().manual_seed(0)
    for _ in range(5):
        labels = torch.randint(0, 2, (200,), generator=generator)
        labels[:2] = torch.tensor([0, 1])
        scores = torch.randint(0, 15, (200,), generator=generator).double()  # muchos empates
        scores += 0.7 * labels
        assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_curva_roc_a_mano_y_contra_sklearn() -> None:
    labels = torch.tensor([1, 0, 1, 0, 1])
    scores = torch.tensor([0.9, 0.8, 0.8, 0.3, 0.1])
    fpr, tpr, thresholds = roc_curve(labels, scores)
    assert fpr.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert tpr.tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 2 / 3, 1.0])
    assert thresholds[0] == float("inf") and thresholds[1:].tolist() == pytest.approx(
        [0.9, 0.8, 0.3, 0.1])
    ref_fpr, ref_tpr, _ = sklearn_roc_curve(labels, scores, drop_intermediate=False)
    assert fpr.tolist() == pytest.approx(ref_fpr.tolist())
    assert tpr.tolist() == pytest.approx(ref_tpr.tolist())
    # el área por trapecios de la curva es la AUC de Mann–Whitney
    assert torch.trapezoid(tpr, fpr).item() == pytest.approx(roc_auc(labels, scores))


def test_tpr_con_fpr_fija() -> None:
    labels = torch.tensor([1, 0, 1, 0, 1])
    scores = torch.tensor([0.9, 0.8, 0.8, 0.3, 0.1])
    assert tpr_at_fpr(labels, scores, 0.01) == pytest.approx(1 / 3)
    assert tpr_at_fpr(labels, scores, 0.5) == pytest.approx(2 / 3)
    assert tpr_at_fpr(labels, scores, 0.99) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="`fpr`"):
        tpr_at_fpr(labels, scores, 1.5)


def test_puntuaciones_y_ventaja() -> None:
    members = torch.tensor([0.1, 0.2, 0.3, 2.0])  # media 0,65
    others = torch.tensor([0.5, 1.0, 3.0, 4.0])
    assert torch.equal(loss_scores(members), -members.double())
    labels, scores = labels_and_scores(members, others)
    assert labels.tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    # umbral 0,65: 3/4 de los miembros y 1/4 de los no miembros por debajo → 0,5
    assert membership_advantage(members, others) == pytest.approx(0.5)
    assert membership_advantage(members, others, threshold=10.0) == 0.0
    summary = attack_summary(members, others)
    assert isinstance(summary, AttackSummary)
    # pares: 0,1/0,2/0,3 ganan a los 4 (12), 2,0 gana a 3 y 4 (2) → 14/16
    assert summary.auc == pytest.approx(14 / 16)
    # con FPR 0 (ningún no miembro por debajo del umbral) ya se aciertan 0,1, 0,2 y 0,3 → 3/4
    assert summary.tpr_at_1 == pytest.approx(0.75) and summary.tpr_at_5 == pytest.approx(0.75)
    assert "AUC 0,875" in str(summary) and "azar: 0,500" in str(summary)


def test_errores() -> None:
    with pytest.raises(ValueError, match="al menos un 1"):
        roc_auc(torch.zeros(3), torch.rand(3))
    with pytest.raises(ValueError, match="solo puede contener 0"):
        roc_auc(torch.tensor([0, 1, 2]), torch.rand(3))
    with pytest.raises(ValueError, match="misma longitud"):
        roc_curve(torch.tensor([0, 1]), torch.rand(3))
    with pytest.raises(ValueError, match="NaN"):
        roc_auc(torch.tensor([0, 1]), torch.tensor([0.0, float("nan")]))
    with pytest.raises(ValueError, match="`member_losses`"):
        attack_summary(torch.zeros(0), torch.rand(3))
    with pytest.raises(ValueError, match="`losses`"):
        loss_scores(torch.rand(2, 2))


def test_intervalo_bootstrap_de_la_tpr() -> None:
    miembros = torch.linspace(0.0, 1.0, 50, dtype=torch.float64)
    otros = torch.linspace(0.5, 1.5, 200, dtype=torch.float64)
    etiquetas, puntos = labels_and_scores(miembros, otros)
    puntual = tpr_at_fpr(etiquetas, puntos, 0.01)
    bajo, alto = bootstrap_tpr_at_fpr(miembros, otros, 0.01, n_boot=200, seed=0)
    assert 0.0 <= bajo <= puntual <= alto <= 1.0 and alto > bajo
    assert (bajo, alto) == bootstrap_tpr_at_fpr(miembros, otros, 0.01, n_boot=200, seed=0)
    perfecto = bootstrap_tpr_at_fpr(torch.zeros(20), torch.ones(30), 0.01, n_boot=50)
    assert perfecto == (1.0, 1.0)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_tpr_at_fpr(miembros, otros, n_boot=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap_tpr_at_fpr(miembros, otros, level=1.5)
