"""Las soluciones de referencia de los comprobadores coinciden con las funciones del paquete.

Cada comprobador de ``genai_utils.exercises`` guarda su propia solución, escrita en pocas
líneas y en ``float64`` para que el lector la pueda leer al desplegar la solución. Estas pruebas
comprueban que esa copia dice lo mismo que la función del paquete que el libro usa de verdad: si
una de las dos cambia, la otra no puede quedarse atrás en silencio.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import torch

from genai_utils import diffusion, gan, gpt, pca, sampling, vae
from genai_utils.agents import retrieval
from genai_utils.exercises import agentes, conceptos, desafios, difusion, transformers
from genai_utils.exercises import gan as gan_ex
from genai_utils.exercises import vae as vae_ex
from genai_utils.risks import cost, membership, watermark

G = torch.Generator().manual_seed(0)


def _close(a: torch.Tensor | float, b: torch.Tensor | float, tol: float = 1e-5) -> bool:
    return torch.allclose(torch.as_tensor(a, dtype=torch.float64),
                          torch.as_tensor(b, dtype=torch.float64), atol=tol, rtol=tol)


def test_temperatura() -> None:
    logits = torch.randn(4, 7, generator=G)
    for t in (0.3, 1.0, 2.5):
        assert _close(conceptos._temperature(logits, t), sampling.apply_temperature(logits, t))


def test_reconstruccion_pca() -> None:
    x = torch.randn(30, 6, generator=G, dtype=torch.float64)
    modelo = pca.PCA(n_components=2).fit(x)
    assert _close(conceptos._pca_reconstruction(x, 2), modelo.reconstruct(x))


def test_discriminador_optimo_y_perdida_no_saturante() -> None:
    p, q = torch.rand(9, generator=G) + 0.01, torch.rand(9, generator=G) + 0.01
    assert _close(gan_ex._optimal_discriminator(p, q), gan.optimal_discriminator(p, q))
    logits = torch.randn(16, generator=G)
    assert _close(gan_ex._nonsaturating_loss(logits), gan.generator_loss(logits, "non_saturating"))


def test_penalizacion_del_gradiente() -> None:
    torch.manual_seed(0)
    critic = gan.Discriminator(2, hidden=8).double()
    real = torch.randn(10, 2, generator=G, dtype=torch.float64)
    fake = torch.randn(10, 2, generator=G, dtype=torch.float64)
    eps = torch.rand(10, 1, generator=G, dtype=torch.float64)
    assert _close(gan_ex._gradient_penalty(critic, real, fake, eps),
                  gan.gradient_penalty(critic, real, fake, eps=eps, weight=10.0))


def test_kl_gaussiana_y_bits_por_dimension() -> None:
    mu, logvar = torch.randn(5, 3, generator=G), torch.randn(5, 3, generator=G)
    assert _close(vae_ex._gaussian_kl(mu, logvar), vae.gaussian_kl(mu, logvar))
    assert math.isclose(vae_ex._bits_per_dim(-812.5, 64), vae.bits_per_dim(812.5, 64))


def test_ruido_directo_y_guia() -> None:
    schedule = diffusion.make_schedule(20)
    x0, noise = torch.randn(4, 2, generator=G), torch.randn(4, 2, generator=G)
    t = torch.tensor([0, 5, 11, 19])
    mine = difusion._forward_noising(x0, t, schedule.alpha_bars, noise)
    assert _close(mine, diffusion.q_sample(x0, t, schedule, noise)[0])

    class Modelo(torch.nn.Module):
        num_classes = 3

        def forward(self, x, t, labels):
            return x * (labels.float().reshape(-1, 1) + 1) + t.float().reshape(-1, 1)

    modelo, x = Modelo(), torch.randn(4, 2, generator=G)
    labels, nulos = torch.tensor([0, 1, 2, 1]), torch.full((4,), 3)
    for w in (0.0, 2.0, 4.5):
        mine = difusion._guidance(modelo(x, t, labels), modelo(x, t, nulos), w)
        assert _close(mine, diffusion.guided_noise(modelo, x, t, labels, w))


def test_camino_recto_y_euler_del_flujo() -> None:
    x0, noise = torch.randn(4, 1, 8, 8, generator=G), torch.randn(4, 1, 8, 8, generator=G)
    t = torch.tensor([0.0, 0.3, 0.7, 1.0])
    assert _close(difusion._flow_path(x0, noise, t), diffusion.flow_interpolate(x0, noise, t))

    velocidad = difusion._gaussian_velocity(1.5, 0.4)

    class Exacta(torch.nn.Module):  # la misma velocidad con la firma de las redes del libro
        def forward(self, x, t, labels=None):
            return velocidad(x, float(t[0]))

    for n in (1, 3, 20):
        x1 = torch.randn(5, 1, generator=torch.Generator().manual_seed(n))
        mine = difusion._euler(velocidad, x1, n)
        paquete = diffusion.flow_sample(Exacta(), (5, 1), n_steps=n,
                                        generator=torch.Generator().manual_seed(n))
        assert _close(mine, paquete, 1e-4)


def test_mascara_causal_y_atencion() -> None:
    assert torch.equal(transformers._causal_mask(5), gpt.causal_mask(5))
    q, k, v = (torch.randn(2, 5, 4, generator=G) for _ in range(3))
    for causal in (False, True):
        # La atención del GPT del libro (CausalSelfAttention) usa esta misma función de PyTorch.
        ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
        assert _close(transformers._attention(q, k, v, causal), ref)


def test_z_de_la_marca_auc_y_coste() -> None:
    assert math.isclose(desafios._watermark_z(37, 100, 0.25), watermark.z_score(37, 100, 0.25))
    miembros = torch.tensor([0.1, 0.4, 0.2, 0.9, 0.4])
    otros = torch.tensor([0.5, 0.4, 1.2, 0.8])
    labels, scores = membership.labels_and_scores(miembros, otros)
    # Las puntuaciones del ataque son −pérdida: un miembro «gana» si su pérdida es menor.
    ref = desafios._membership_auc((-miembros).tolist(), (-otros).tolist())
    assert math.isclose(ref, membership.roc_auc(labels, scores))
    coste = desafios._training_cost(1.2e8, 3e9, 1e14, 0.4)
    assert math.isclose(coste["flops"], cost.training_flops(1.2e8, 3e9))
    segundos = cost.training_seconds(coste["flops"], 1e14 * 0.4)
    assert math.isclose(coste["dias"], segundos / 86400)


def test_recall_at_k() -> None:
    trozo = {s: retrieval.Chunk(id=f"{s}#0", source=s, title=s, text="frase") for s in "abc"}
    ranked = [["a", "b", "c"], ["c", "a", "b"], ["b", "c", "a"], ["a", "c", "b"]]
    gold = ["a", "a", "a", "b"]
    preguntas = [SimpleNamespace(question=str(i), source=g, phrase="frase")
                 for i, g in enumerate(gold)]

    def buscar(pregunta: str, k: int):
        return [(trozo[s], 1.0) for s in ranked[int(pregunta)][:k]]

    for k in (1, 2, 3):
        assert math.isclose(agentes._recall(ranked, gold, k),
                            retrieval.recall_at_k(buscar, preguntas, k))


def test_dpo_y_lora() -> None:
    from genai_utils.posttraining import dpo, lora

    pc, pr, rc, rr = (torch.randn(6, generator=G) for _ in range(4))
    assert _close(transformers._dpo_loss(pc, pr, rc, rr, 0.3), dpo.dpo_loss(pc, pr, rc, rr, 0.3))
    torch.manual_seed(0)
    capa = lora.LoRALinear(torch.nn.Linear(5, 4), rank=2, alpha=3.0)
    with torch.no_grad():
        capa.B.normal_()
    x = torch.randn(3, 5, generator=G)
    esperada = transformers._lora_forward(x, capa.base.weight, capa.base.bias, capa.A, capa.B, 3.0)
    assert _close(esperada, capa(x))


def test_mascara_de_la_respuesta() -> None:
    from genai_utils.posttraining import sft

    class _Ids:
        def encode(self, text: str) -> list[int]:
            return [ord(c) for c in text]

        def decode(self, ids: list[int]) -> str:
            return "".join(chr(i) for i in ids)

    x, y = sft.encode_completions(_Ids(), ["abc"], ["de"], context=8)
    entradas, objetivos = transformers._answer_mask([97, 98, 99], [100, 101])
    assert x[0].tolist() == entradas and y[0].tolist() == objetivos
