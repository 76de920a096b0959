"""Pruebas del posentrenamiento (genai_utils.posttraining): instrucciones, SFT, DPO y LoRA."""

from __future__ import annotations

import math
import re

import pytest
import torch

from genai_utils.bpe import BPETokenizer
from genai_utils.gpt import GPT, GPTConfig
from genai_utils.posttraining.chat import (
    ASSISTANT,
    END,
    USER,
    ChatTokenizer,
    grow_vocabulary,
    single_token_words,
)
from genai_utils.posttraining.dpo import (
    PreferencePair,
    dpo_loss,
    make_preference_pairs,
    preference_accuracy,
    train_dpo,
)
from genai_utils.posttraining.instructions import (
    _BODIES_TEST,
    _BODIES_TRAIN,
    _WRAPPERS_TEST,
    _WRAPPERS_TRAIN,
    TASKS,
    Instruction,
    make_instructions,
    prompt_text,
    split_words,
)
from genai_utils.posttraining.lora import LoRALinear, add_lora, lora_layers, merge_lora
from genai_utils.posttraining.sft import (
    IGNORE,
    completion_logprobs,
    encode_completions,
    exact_match_rate,
    generate_answers,
    train_sft,
)
from genai_utils.runtime import count_parameters

PALABRAS = ("casa perro mesa gato libro flor tren coche playa silla puerta ventana calle ciudad "
            "campo monte nube lluvia nieve fuego agua queso fruta plato vaso taza cama reloj "
            "papel carta caja bolsa llave camino puente torre barco rueda piedra arena hoja"
            ).split()
ENTRENAMIENTO, PRUEBA = split_words(PALABRAS)
TEXTO = " ".join(PALABRAS * 3) + " Repite la palabra: casa. Di la primera, la última.\n" * 3


@pytest.fixture(scope="module")
def tokenizador() -> ChatTokenizer:
    return ChatTokenizer(BPETokenizer().train(TEXTO, 80))


def _gpt(vocab: int, context: int = 96, seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=vocab, context=context, n_layer=1, n_head=2, n_embd=16))


# ---------------------------------------------------------------- instrucciones
def test_las_respuestas_son_las_de_cada_tarea() -> None:
    for e in make_instructions(50, PALABRAS, seed=3):
        palabras = e.instruction.split(":")[-1].split()
        esperada = {"repetir": palabras, "primera": palabras[:1], "segunda": palabras[1:2],
                    "última": palabras[-1:], "revés": palabras[::-1]}[e.task]
        assert e.answer == " ".join(esperada)
        assert e.instruction[0].isupper() and e.prompt == prompt_text(e.instruction)
        assert e.completion == f" {e.answer}{END}"
        assert e.prompt.startswith(USER) and e.prompt.endswith(ASSISTANT)
    assert {e.task for e in make_instructions(10, PALABRAS)} == set(TASKS)


def test_la_prueba_no_comparte_formas_ni_palabras_con_el_entrenamiento() -> None:
    assert not set(ENTRENAMIENTO) & set(PRUEBA)
    assert set(ENTRENAMIENTO) | set(PRUEBA) == set(PALABRAS)
    assert 0.1 < len(PRUEBA) / len(PALABRAS) < 0.45
    # Una palabra cae siempre del mismo lado, haya las que haya a su alrededor.
    assert set(split_words(PALABRAS[:20])[1]) == set(PRUEBA) & set(PALABRAS[:20])
    for tarea in TASKS:
        assert not set(_BODIES_TRAIN[tarea]) & set(_BODIES_TEST[tarea])
        for cuerpo in _BODIES_TEST[tarea]:  # cada forma nueva conserva la palabra de la tarea
            clave = {"repetir": "repite", "revés": "revés"}.get(tarea, tarea)
            assert clave in cuerpo
    assert not set(_WRAPPERS_TRAIN) & set(_WRAPPERS_TEST)
    vistas = {w for e in make_instructions(500, ENTRENAMIENTO)
              for w in e.instruction.split(":")[-1].split()}
    assert vistas == set(ENTRENAMIENTO)
    formas = {e.instruction.split(":")[0] for e in make_instructions(300, PALABRAS)}
    prueba = make_instructions(100, PALABRAS, phrasing="test")
    nuevas = {e.instruction.split(":")[0] for e in prueba}
    assert not formas & nuevas


def test_instrucciones_reproducibles_y_distintas_por_semilla() -> None:
    assert make_instructions(20, PALABRAS, seed=1) == make_instructions(20, PALABRAS, seed=1)
    assert make_instructions(20, PALABRAS, seed=1) != make_instructions(20, PALABRAS, seed=2)
    assert all(len(set(e.answer.split())) == len(e.answer.split())
               for e in make_instructions(100, PALABRAS) if e.task == "revés")


def test_instrucciones_errores_claros() -> None:
    with pytest.raises(ValueError, match="`phrasing`"):
        make_instructions(5, PALABRAS, phrasing="dev")
    with pytest.raises(ValueError, match="`tasks`"):
        make_instructions(5, PALABRAS, tasks=["sumar"])
    with pytest.raises(ValueError, match="`n`"):
        make_instructions(0, PALABRAS)
    with pytest.raises(ValueError, match="`words`"):
        make_instructions(5, ["casa", "dos palabras"])
    with pytest.raises(ValueError, match="3 palabras"):
        make_instructions(5, ["casa", "casa", "mesa"])
    with pytest.raises(ValueError, match="`instruction`"):
        prompt_text("  ")
    with pytest.raises(ValueError, match="`test_share`"):
        split_words(PALABRAS, 1.0)


# ---------------------------------------------------------------- plantilla de conversación
def test_los_tokens_especiales_son_uno_cada_uno(tokenizador: ChatTokenizer) -> None:
    base = tokenizador.base
    texto = f"{USER}Repite: casa{ASSISTANT} casa{END}"
    ids = tokenizador.encode(texto)
    assert tokenizador.decode(ids) == texto and tokenizador.vocab_size == base.vocab_size + 3
    assert ids[0] == base.vocab_size and ids[-1] == base.vocab_size + 2
    assert ids.count(base.vocab_size + 1) == 1 and len(ids) < len(base.encode(texto))
    with pytest.raises(TypeError, match="`base`"):
        ChatTokenizer("bpe")  # type: ignore[arg-type]


def test_crecer_el_vocabulario_conserva_el_modelo(tokenizador: ChatTokenizer) -> None:
    viejo = tokenizador.base.vocab_size
    base = _gpt(viejo).eval()
    como = [tokenizador.base.encode(s)[0] for s in ("\n", ":", ".")]
    grande = grow_vocabulary(base, como).eval()
    assert grande.config.vocab_size == viejo + 3
    x = torch.randint(viejo, (2, 8))
    assert torch.allclose(grande(x)[0][..., :viejo], base(x)[0])
    assert torch.equal(grande.tok_emb.weight[viejo:], base.tok_emb.weight[como])
    assert grande.head.weight is grande.tok_emb.weight
    with pytest.raises(ValueError, match="`like`"):
        grow_vocabulary(base, [viejo])


def test_palabras_de_un_token(tokenizador: ChatTokenizer) -> None:
    palabras = single_token_words(tokenizador.base, TEXTO, min_count=3, min_length=4)
    assert palabras == sorted(palabras) and palabras
    assert all(len(tokenizador.base.encode(f" {w}")) == 1 and len(w) >= 4 for w in palabras)


# ---------------------------------------------------------------- SFT
def test_la_mascara_puntua_solo_la_respuesta(tokenizador: ChatTokenizer) -> None:
    prompts = [prompt_text("Repite la palabra: casa"), "Hola"]
    respuestas = [f" casa{END}", " a b\n"]
    x, y = encode_completions(tokenizador, prompts, respuestas, context=96)
    for fila, (p, r) in enumerate(zip(prompts, respuestas, strict=True)):
        cabeza, cola = tokenizador.encode(p), tokenizador.encode(r)
        ids = cabeza + cola
        assert x[fila, : len(ids) - 1].tolist() == ids[:-1]
        puntuados = y[fila][y[fila] != IGNORE].tolist()
        assert puntuados == cola
        assert (y[fila, : len(cabeza) - 1] == IGNORE).all()
    with pytest.raises(ValueError, match="contexto"):
        encode_completions(tokenizador, prompts, respuestas, context=3)
    with pytest.raises(ValueError, match="misma"):
        encode_completions(tokenizador, prompts, respuestas[:1], context=96)


def test_logprob_de_la_respuesta_es_la_suma_de_sus_tokens(tokenizador: ChatTokenizer) -> None:
    modelo = _gpt(tokenizador.vocab_size).eval()
    p, r = prompt_text("Oye"), f" mesa perro{END}"
    x, y = encode_completions(tokenizador, [p], [r], context=96)
    cabeza, cola = tokenizador.encode(p), tokenizador.encode(r)
    ids = torch.tensor([cabeza + cola])
    logp = torch.log_softmax(modelo(ids)[0][0], dim=-1)
    a_mano = sum(logp[len(cabeza) - 1 + i, t] for i, t in enumerate(cola))
    assert math.isclose(completion_logprobs(modelo, x, y).item(), a_mano.item(), rel_tol=1e-5)


def test_sft_aprende_a_responder(tokenizador: ChatTokenizer) -> None:
    ejemplos = make_instructions(200, PALABRAS, tasks=["repetir"])
    modelo = _gpt(tokenizador.vocab_size)
    historia = train_sft(modelo, tokenizador, ejemplos, steps=150, batch_size=32, lr=1e-2,
                         progress=False)
    assert historia["loss"][-1] < 0.3 * historia["loss"][0]
    respuestas = generate_answers(modelo, tokenizador, [e.prompt for e in ejemplos[:40]])
    assert exact_match_rate(respuestas, ejemplos[:40]) > 0.3  # sin entrenar, 0
    assert not modelo.training


def test_sft_con_tokens_congelados(tokenizador: ChatTokenizer) -> None:
    ejemplos = make_instructions(50, PALABRAS)
    modelo = _gpt(tokenizador.vocab_size)
    antes = modelo.tok_emb.weight.detach().clone()
    viejos = tokenizador.base.vocab_size
    train_sft(modelo, tokenizador, ejemplos, steps=5, batch_size=8, lr=1e-2,
              frozen_tokens=viejos, progress=False)
    despues = modelo.tok_emb.weight.detach()
    assert torch.equal(despues[:viejos], antes[:viejos])
    assert not torch.equal(despues[viejos:], antes[viejos:])
    assert not modelo.tok_emb.weight._backward_hooks, "el gancho se quita al terminar"
    with pytest.raises(ValueError, match="`weight_decay`"):
        train_sft(modelo, tokenizador, ejemplos, steps=1, batch_size=8, lr=1e-2,
                  frozen_tokens=viejos, weight_decay=0.1, progress=False)


def test_las_respuestas_en_lote_son_las_de_una_en_una(tokenizador: ChatTokenizer) -> None:
    modelo = _gpt(tokenizador.vocab_size).eval()
    prompts = [e.prompt for e in make_instructions(12, PALABRAS, seed=4)]
    juntas = generate_answers(modelo, tokenizador, prompts, max_new_tokens=5)
    sueltas = [generate_answers(modelo, tokenizador, [p], max_new_tokens=5)[0] for p in prompts]
    assert juntas == sueltas and all(END not in a for a in juntas)
    muestreo = generate_answers(modelo, tokenizador, prompts, greedy=False, seed=7)
    assert muestreo == generate_answers(modelo, tokenizador, prompts, greedy=False, seed=7)


def test_tasa_exacta() -> None:
    ejemplos = [Instruction("a", "x", "repetir"), Instruction("b", "y z", "revés")]
    assert exact_match_rate(["x", "y  z"], ejemplos) == 0.5
    with pytest.raises(ValueError, match="misma"):
        exact_match_rate(["x"], ejemplos)


# ---------------------------------------------------------------- DPO
def test_perdida_dpo() -> None:
    cero = torch.zeros(3)
    assert math.isclose(dpo_loss(cero, cero, cero, cero, 0.1).item(), math.log(2), rel_tol=1e-6)
    pc, pr, rc, rr = torch.tensor([-1.0]), torch.tensor([-3.0]), torch.tensor([-2.0]), torch.tensor(
        [-2.0])
    esperada = -math.log(1 / (1 + math.exp(-0.5 * 2.0)))
    assert math.isclose(dpo_loss(pc, pr, rc, rr, 0.5).item(), esperada, rel_tol=1e-6)
    # Mejor margen, menor pérdida; y solo importa la diferencia con la referencia.
    assert dpo_loss(pc, pr, rc, rr, 0.5) < dpo_loss(pr, pc, rc, rr, 0.5)
    desplazada = dpo_loss(pc + 5, pr + 5, rc + 5, rr + 5, 0.5)
    assert torch.isclose(desplazada, dpo_loss(pc, pr, rc, rr, 0.5))
    with pytest.raises(ValueError, match="`beta`"):
        dpo_loss(pc, pr, rc, rr, 0.0)


def test_dpo_ordena_los_pares(tokenizador: ChatTokenizer) -> None:
    ejemplos = make_instructions(60, PALABRAS, tasks=["primera"])
    pares = [PreferencePair(e.prompt, e.completion, f" {e.instruction.split()[-1]}{END}")
             for e in ejemplos]
    modelo = _gpt(tokenizador.vocab_size)
    antes = preference_accuracy(modelo, tokenizador, pares)
    referencia = {k: v.clone() for k, v in modelo.state_dict().items()}
    historia = train_dpo(modelo, tokenizador, pares, beta=0.5, steps=80, batch_size=16, lr=1e-2,
                         progress=False)
    despues = preference_accuracy(modelo, tokenizador, pares)
    assert despues > max(antes, 0.9)
    assert historia["margen"][-1] > historia["margen"][0]
    assert any(not torch.equal(v, modelo.state_dict()[k]) for k, v in referencia.items())


def test_los_pares_salen_de_los_errores_del_modelo(tokenizador: ChatTokenizer) -> None:
    modelo = _gpt(tokenizador.vocab_size).eval()  # sin entrenar: se equivoca siempre
    ejemplos = make_instructions(10, PALABRAS)
    pares = make_preference_pairs(modelo, tokenizador, ejemplos, samples=2, seed=0)
    assert len(pares) == len(ejemplos)
    for par, e in zip(pares, ejemplos, strict=True):
        assert par.prompt == e.prompt and par.chosen == e.completion and par.rejected != par.chosen
        assert par.rejected.startswith(" ") and par.rejected.endswith(END)
    assert pares == make_preference_pairs(modelo, tokenizador, ejemplos, samples=2, seed=0)


# ---------------------------------------------------------------- LoRA
def test_lora_empieza_igual_y_solo_entrena_los_adaptadores() -> None:
    base = _gpt(50).eval()
    x = torch.randint(50, (2, 9))
    for rango in (1, 4):
        adaptado = add_lora(base, rango).eval()
        assert torch.allclose(adaptado(x)[0], base(x)[0])
        entrenables = {n for n, p in adaptado.named_parameters() if p.requires_grad}
        assert entrenables and all(re.search(r"\.(A|B)$", n) for n in entrenables)
        d = base.config.n_embd
        por_bloque = rango * ((d + 3 * d) + (d + d) + (d + 4 * d) + (4 * d + d))
        assert count_parameters(adaptado) == por_bloque * base.config.n_layer
        assert len(lora_layers(adaptado)) == 4 * base.config.n_layer
    assert all(p.requires_grad for p in base.parameters()), "la base no se toca"


def test_lora_fundido_da_lo_mismo() -> None:
    base = _gpt(50)
    adaptado = add_lora(base, 2, alpha=4.0)
    with torch.no_grad():
        for capa in lora_layers(adaptado):
            capa.B.normal_()
    x = torch.randint(50, (3, 7))
    fundido = merge_lora(adaptado).eval()
    assert not lora_layers(fundido)
    assert torch.allclose(fundido(x)[0], adaptado.eval()(x)[0], atol=1e-5)
    assert not torch.allclose(fundido(x)[0], base.eval()(x)[0], atol=1e-3)


def test_lora_errores_claros() -> None:
    with pytest.raises(ValueError, match="`rank`"):
        LoRALinear(torch.nn.Linear(4, 3), 5)
    with pytest.raises(TypeError, match="`base`"):
        LoRALinear(torch.nn.Conv1d(2, 2, 1), 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`model`"):
        add_lora(torch.nn.Linear(2, 2), 1)  # type: ignore[arg-type]


def test_las_instrucciones_no_cargan_pytorch() -> None:
    import subprocess
    import sys

    codigo = ("import sys\nimport genai_utils.posttraining.instructions\n"
              "assert 'torch' not in sys.modules, 'torch cargado'")
    resultado = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True,
                               timeout=60, check=False)
    assert resultado.returncode == 0, resultado.stderr
