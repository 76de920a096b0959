"""Pruebas de los comprobadores del capítulo 5 (genai_utils.exercises.transformers)."""

from __future__ import annotations

import math

import torch

from genai_utils.exercises.transformers import (
    check_answer_mask,
    check_attention,
    check_bpe_merge,
    check_causal_mask,
    check_dpo_loss,
    check_heads_question,
    check_lora_forward,
    check_perplexity,
)
from genai_utils.gpt import causal_mask


def _stub(*args: object) -> object:
    raise NotImplementedError("Escribe aquí tu solución")


def test_mascara_causal() -> None:
    assert check_causal_mask(causal_mask).correct
    assert check_causal_mask(lambda t: torch.ones(t, t).tril()).correct  # 0/1 también vale
    assert not check_causal_mask(lambda t: torch.ones(t, t, dtype=torch.bool).triu()).correct
    assert check_causal_mask(_stub).pending


def _attention(q, k, v, causal):  # type: ignore[no-untyped-def]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        t = scores.shape[-1]
        scores = scores.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def test_atencion() -> None:
    assert check_attention(_attention).correct
    sin_escala = check_attention(
        lambda q, k, v, c: _attention(q * math.sqrt(q.shape[-1]), k, v, c)
    )
    assert not sin_escala.correct and "√d" in (sin_escala.hint or "")
    assert not check_attention(lambda q, k, v, c: _attention(q, k, v, False)).correct
    assert check_attention(_stub).pending


def test_perplejidad() -> None:
    def bien(loss, tokens, chars):  # type: ignore[no-untyped-def]
        return {"perplejidad": math.exp(loss),
                "bits_por_caracter": loss * tokens / chars / math.log(2)}

    def por_token(loss, tokens, chars):  # type: ignore[no-untyped-def]
        return {"perplejidad": math.exp(loss), "bits_por_caracter": loss / math.log(2)}

    assert check_perplexity(bien).correct
    fallo = check_perplexity(por_token)
    assert not fallo.correct and "caso 3" in fallo.message
    assert not check_perplexity(lambda loss, t, c: {"perplejidad": 2 ** loss,
                                                    "bits_por_caracter": 0.0}).correct


def test_fusion_bpe() -> None:
    def bien(ids, pair, new_id):  # type: ignore[no-untyped-def]
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
                out.append(new_id)
                i += 2
            else:
                out.append(ids[i])
                i += 1
        return out

    def con_solapes(ids, pair, new_id):  # type: ignore[no-untyped-def]
        return [new_id if (a, b) == pair else a for a, b in zip(ids, ids[1:] + [None], strict=True)]

    assert check_bpe_merge(bien).correct
    assert not check_bpe_merge(con_solapes).correct
    assert check_bpe_merge(_stub).pending


def test_pregunta_cabezas() -> None:
    assert check_heads_question("b").correct
    assert check_heads_question(" B ").correct
    assert not check_heads_question("a").correct
    assert check_heads_question(None).pending
    assert not check_heads_question("z").correct


def test_mascara_de_la_respuesta() -> None:
    def bien(instruccion, respuesta):  # type: ignore[no-untyped-def]
        ids = instruccion + respuesta
        return ids[:-1], [-100] * (len(instruccion) - 1) + respuesta

    def desplazada(instruccion, respuesta):  # type: ignore[no-untyped-def]
        ids = instruccion + respuesta
        return ids[:-1], [-100] * len(instruccion) + respuesta[1:]

    assert check_answer_mask(bien).correct
    assert not check_answer_mask(desplazada).correct
    assert not check_answer_mask(lambda a, b: (a + b, a + b)).correct
    assert check_answer_mask(_stub).pending


def test_perdida_dpo() -> None:
    def bien(pc, pr, rc, rr, beta):  # type: ignore[no-untyped-def]
        return -torch.nn.functional.logsigmoid(beta * ((pc - rc) - (pr - rr))).mean()

    def sin_referencia(pc, pr, rc, rr, beta):  # type: ignore[no-untyped-def]
        return -torch.nn.functional.logsigmoid(beta * (pc - pr)).mean()

    assert check_dpo_loss(bien).correct
    assert not check_dpo_loss(sin_referencia).correct
    def suma(pc, pr, rc, rr, beta):  # type: ignore[no-untyped-def]
        return -torch.nn.functional.logsigmoid(beta * ((pc - rc) - (pr - rr))).sum()

    assert not check_dpo_loss(suma).correct
    assert check_dpo_loss(_stub).pending


def test_capa_lora() -> None:
    def bien(x, w, b, a, bm, alpha):  # type: ignore[no-untyped-def]
        return x @ w.T + b + (alpha / a.shape[0]) * (x @ a.T @ bm.T)

    def sin_escala(x, w, b, a, bm, alpha):  # type: ignore[no-untyped-def]
        return x @ w.T + b + x @ a.T @ bm.T

    assert check_lora_forward(bien).correct
    assert not check_lora_forward(sin_escala).correct
    assert check_lora_forward(_stub).pending
