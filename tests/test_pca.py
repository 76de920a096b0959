"""Pruebas de genai_utils.pca: PCA con SVD, comparado con scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA as SkPCA

from genai_utils.pca import PCA


def _data() -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    mix = torch.randn(6, 6, generator=gen)
    return torch.randn(200, 6, generator=gen, dtype=torch.float32) @ mix + 3.0


def test_coincide_con_sklearn_salvo_el_signo() -> None:
    x = _data()
    ours = PCA(3).fit(x)
    ref = SkPCA(3).fit(x.numpy().astype(np.float64))
    comps = ours.components.numpy()
    signs = np.sign((comps * ref.components_).sum(axis=1))
    np.testing.assert_allclose(comps * signs[:, None], ref.components_, atol=1e-4)
    np.testing.assert_allclose(ours.explained_variance.numpy(), ref.explained_variance_, rtol=1e-4)
    np.testing.assert_allclose(
        ours.explained_variance_ratio.numpy(), ref.explained_variance_ratio_, rtol=1e-4
    )
    z = ours.transform(x).numpy() * signs
    np.testing.assert_allclose(z, ref.transform(x.numpy()), atol=1e-3)


def test_componentes_ortonormales_y_signo_fijo() -> None:
    pca = PCA().fit(_data())
    w = pca.components
    assert w.shape == (6, 6)
    assert torch.allclose(w @ w.T, torch.eye(6), atol=1e-5)
    largest = w.gather(1, w.abs().argmax(1, keepdim=True))
    assert (largest > 0).all()
    assert torch.isclose(pca.explained_variance_ratio.sum(), torch.tensor(1.0))


def test_reconstruccion_exacta_con_todas_las_componentes_y_error_decreciente() -> None:
    x = _data()
    assert torch.allclose(PCA().fit(x).reconstruct(x), x, atol=1e-4)
    errors = [((PCA(k).fit(x).reconstruct(x) - x) ** 2).mean().item() for k in range(1, 6)]
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))


def test_transform_e_inverse_transform_tienen_las_formas_correctas() -> None:
    x = _data()
    pca = PCA(2).fit(x)
    z = pca.transform(x[:7])
    assert z.shape == (7, 2)
    assert pca.inverse_transform(z).shape == (7, 6)


def test_errores_claros() -> None:
    with pytest.raises((ValueError, TypeError), match="n_components"):
        PCA(0)
    with pytest.raises((ValueError, TypeError), match="n_components"):
        PCA(10).fit(_data())
    with pytest.raises((ValueError, TypeError), match="x"):
        PCA(2).fit(torch.zeros(10))
    with pytest.raises(RuntimeError, match="fit"):
        PCA(2).transform(_data())
    pca = PCA(2).fit(_data())
    with pytest.raises((ValueError, TypeError), match="x"):
        pca.transform(torch.zeros(3, 5))
    with pytest.raises((ValueError, TypeError), match="z"):
        pca.inverse_transform(torch.zeros(3, 3))
