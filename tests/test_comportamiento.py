"""Lo que los capítulos afirman de sus modelos, comprobado en pytest con las recetas del libro.

Los cuadernos lo afirman también (con ``assert``), pero una prueba del paquete falla antes y
dice qué función cambió. Entrenan de verdad, unos segundos cada una: van marcadas ``lento``
(fuera de ``make rapido``).
"""

from __future__ import annotations

import pytest
import torch

from genai_utils import diffusion, gan, vae
from genai_utils.metrics import classifier_accuracy
from genai_utils.recipes import get_recipe

pytestmark = pytest.mark.lento


def _exactitud_condicional(generate, por_digito: int = 50) -> float:
    etiquetas = torch.arange(10).repeat_interleave(por_digito)
    return classifier_accuracy(generate(etiquetas), etiquetas)


@pytest.mark.parametrize(
    ("modulo", "minimo"),
    [(gan, 0.90), (vae, 0.90), (diffusion, 0.97)],
    ids=["gan_condicional", "vae_condicional", "difusion_con_guia"],
)
def test_el_generador_de_digitos_dibuja_el_digito_pedido(modulo, minimo: float) -> None:
    """Capítulos 2 a 4: con la etiqueta pedida, el clasificador de referencia reconoce el dígito."""
    generate = modulo.train_digit_generator(seed=0, device="cpu", progress=False)
    exactitud = _exactitud_condicional(generate)
    assert exactitud >= minimo, f"{modulo.__name__}: solo {exactitud:.1%} del dígito pedido"


def test_la_gan_del_anillo_cubre_al_menos_siete_modos() -> None:
    """Capítulo 2: con la receta (β1 = 0,5) la GAN del anillo cubre ≥ 7 de los 8 modos."""
    receta = get_recipe("gan_anillo")
    generador, _, _ = gan.train_ring_gan(receta.training["beta1_remedy"], seed=0, device="cpu",
                                         progress=False)
    cobertura = gan.mode_coverage(gan.sample(generador, 5000, seed=123))
    assert cobertura.modes_covered >= 7, str(cobertura)
    assert cobertura.high_quality >= 0.80, str(cobertura)


def test_con_impulso_alto_la_gan_del_anillo_colapsa() -> None:
    """Capítulo 2: con el impulso «ingenuo» de la receta (β1 = 0,9), la GAN pierde modos."""
    beta1 = get_recipe("gan_anillo").training["beta1_naive"]
    generador, _, _ = gan.train_ring_gan(beta1, seed=0, device="cpu", progress=False)
    cobertura = gan.mode_coverage(gan.sample(generador, 5000, seed=123))
    assert cobertura.high_quality < 0.80, str(cobertura)
