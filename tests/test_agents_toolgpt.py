"""Pruebas de los datos, el entrenamiento y la decodificación del GPT de herramientas (cap. 6)."""

import pytest
import torch

from genai_utils.agents.calculator import calculator_tool
from genai_utils.agents.loop import parse_action, run_agent
from genai_utils.agents.retrieval import BM25Retriever, chunk_pages, load_pages, search_tool
from genai_utils.agents.sql import create_demo_database, sql_tool
from genai_utils.agents.toolgpt import (
    ANSWER_HEAD,
    TEST_CATEGORIES,
    TEST_PRODUCTS,
    TEST_TOPICS,
    TOPICS,
    UNKNOWN,
    ToolGPT,
    WordCharVocab,
    _candidate_values,
    _encode_examples,
    _words_to_drop,
    action_heads,
    answer_from_observation,
    compact_prompt,
    first_call,
    format_phrases,
    make_examples,
    render_example,
    render_turns,
    train_tool_gpt,
    turn_prompt,
)
from genai_utils.agents.tools import ToolRegistry


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    db = create_demo_database(tmp_path_factory.mktemp("db") / "tienda.db")
    retriever = BM25Retriever(chunk_pages(load_pages()))
    return ToolRegistry().add(calculator_tool()).add(sql_tool(db)).add(search_tool(retriever))


@pytest.fixture(scope="module")
def tiny(registry):
    kwargs = dict(steps=4, batch_size=8, n_layer=1, n_head=2, n_embd=16, progress=False)
    return train_tool_gpt(make_examples(60), registry, **kwargs)


def test_ejemplos_reproducibles_y_equilibrados():
    a, b = make_examples(30, seed=1), make_examples(30, seed=1)
    assert a == b and a != make_examples(30, seed=2)
    assert [e.tool for e in a[:3]] == ["calculadora", "consultar_sql", "buscar_libro"]
    with pytest.raises(ValueError, match="split"):
        make_examples(3, split="val")
    with pytest.raises(ValueError, match="`n`"):
        make_examples(0)


def test_la_prueba_usa_formas_y_valores_nuevos():
    train, test = make_examples(1500), make_examples(300, split="test")
    assert not {e.question for e in train} & {e.question for e in test}

    def values(examples, tool):
        return {str(e.arguments.get("parametros", e.arguments.get("consulta")))
                for e in examples if e.tool == tool}

    held_out = {str([v]) for v in TEST_PRODUCTS + TEST_CATEGORIES}
    assert values(test, "consultar_sql") <= held_out
    assert not values(train, "consultar_sql") & held_out
    assert values(test, "buscar_libro") <= set(TEST_TOPICS)
    assert not set(TOPICS) & set(TEST_TOPICS)
    pairs = {e.arguments["expresion"] for e in train if e.tool == "calculadora"}
    assert not pairs & {e.arguments["expresion"] for e in test if e.tool == "calculadora"}


def test_las_llamadas_de_referencia_funcionan(registry):
    for e in make_examples(30) + make_examples(30, split="test"):
        assert registry.call(e.tool, e.arguments).ok, e


def test_render_turnos_y_mascara(registry):
    e = make_examples(1)[0]
    observation = registry.call(e.tool, e.arguments).text
    text, spans = render_example(e, observation)
    assert text.startswith("Pregunta: ") and text.endswith("\n")
    assert [text[a:b].split(":")[0] for a, b in spans] == ["Acción", "Respuesta"]
    (action, [a1]), (answer, [a2]) = render_turns(e, observation)
    assert action.startswith("Pregunta: ") and action[a1[0]:].startswith("Acción: calculadora")
    assert answer.startswith("Observación: ") and answer[a2[0]:] == f"Respuesta: {observation}\n"
    vocab = WordCharVocab([text], min_count=None, phrases=format_phrases())
    assert vocab.decode(vocab.encode(text)) == text
    assert vocab.tokenize(action)[-len(e.arguments["expresion"]) - 2] == action_heads()[0]
    x, y = _encode_examples([(action, [a1])], vocab, 96)
    targets = vocab.decode([i for i in y[0].tolist() if i != -100])
    assert targets == action[a1[0] : a1[1]]
    assert int((y[0] != -100).sum()) == len(e.arguments["expresion"]) + 2  # cabecera y cierre


def test_vocabulario_de_caracteres_y_de_palabras():
    texts = ["Pregunta: hola hola hola\n"]
    chars = WordCharVocab(texts, min_count=None, phrases=format_phrases())
    words = WordCharVocab(texts, min_count=2, phrases=format_phrases())
    assert len(words) == len(chars) + 1 and words.tokenize(" hola hola") == [" hola", " hola"]
    assert chars.tokenize("Pregunta: ¿y?") == ["Pregunta: ", "¿", "y", "?"]
    assert chars.index(ANSWER_HEAD) == chars.tokens.index(ANSWER_HEAD)
    with pytest.raises(KeyError):
        chars.index("no existe")
    with pytest.raises(ValueError, match="min_count"):
        WordCharVocab(texts, min_count=0)


def test_marcadores_de_palabras_desconocidas():
    vocab = WordCharVocab(["precio precio precio de de de"], 2, format_phrases(),
                          unknown_token=True)
    unknown = {}
    pieces = vocab.tokenize("Dime el precio de paraguas. ¿Paraguas? y paraguas", unknown)
    assert pieces == [UNKNOWN[0], UNKNOWN[1], " precio", " de", UNKNOWN[2], ".", " ", "¿",
                      UNKNOWN[3], "?", " ", "y", UNKNOWN[2]]  # «y», una letra: se deletrea
    assert unknown == {"Dime": "<?1>", "el": "<?2>", "paraguas": "<?3>", "Paraguas": "<?4>"}
    call = '["paraguas"]'
    ids = vocab.encode(call, unknown)  # la misma numeración en la acción
    assert vocab.tokenize(call, dict(unknown))[2] == "<?3>" and vocab.decode(ids, unknown) == call
    assert vocab.tokenize("precio", drop={"precio"}) == [UNKNOWN[0]]
    assert vocab.is_word(" precio") and not vocab.is_word("p") and not vocab.is_word(UNKNOWN[0])


def test_abandono_de_palabras(registry):
    turns = render_turns(make_examples(1)[0], "7")
    vocab = WordCharVocab([t for t, _ in turns] * 3, 1, format_phrases(), unknown_token=True)
    text = turns[0][0]
    gen = torch.Generator().manual_seed(0)
    assert _words_to_drop(text, vocab, 0.0, gen) == set()
    everything = _words_to_drop(text, vocab, 1.0, gen)
    assert everything and all(" " + w in text or w in text for w in everything)
    x, _ = _encode_examples(turns, vocab, 48, word_dropout=1.0, generator=gen)
    assert not any(vocab.is_word(vocab.tokens[i]) for i in x.flatten().tolist())


def test_respuesta_y_prompt_compacto():
    assert answer_from_observation("[01/historia#2] En 1913…") == "[01/historia#2]"
    assert answer_from_observation("84") == "84"
    prompt = "Cabecera\nPregunta: ¿x?\nObservación: " + "a" * 200
    assert compact_prompt(prompt).startswith("Pregunta:")
    assert len(compact_prompt(prompt).split("\n")[-1]) < 80
    assert turn_prompt(prompt + "\n") == "Observación: " + "a" * 40 + "\n"
    assert turn_prompt("Cabecera\nPregunta: ¿x?\n") == "Pregunta: ¿x?\n"


def test_valores_candidatos():
    q = "Pregunta: ¿Cuánto es 12 entre 4?\n"
    assert _candidate_values(action_heads()[0], q) == [
        f"{x} {op} {y}" for x, y in [("12", "4"), ("4", "12")] for op in "+-*/"
    ]
    spans = _candidate_values(action_heads()[1], "Pregunta: ¿Qué dice el libro de las GAN?\n")
    assert "las GAN" in spans and "GAN?" not in spans
    assert len(spans) == 7 + 6 + 5 + 4 + 3 + 2  # 7 palabras, trozos de hasta 6
    answers = _candidate_values(ANSWER_HEAD, "Observación: [01/a#2] Una frase\n")
    assert answers == ["[01/a#2]", "[01/a#2] Una", "[01/a#2] Una frase"]


def test_entrenamiento_reproducible(registry, tiny):
    model, losses = tiny
    examples = make_examples(60)
    kwargs = dict(steps=4, batch_size=8, n_layer=1, n_head=2, n_embd=16, progress=False)
    _, again = train_tool_gpt(examples, registry, **kwargs)
    assert losses == again and len(losses) == 4 and all(v > 0 for v in losses)
    assert isinstance(model, ToolGPT) and not model.needs_header
    with pytest.raises(ValueError, match="steps"):
        train_tool_gpt(examples, registry, steps=0)
    with pytest.raises(ValueError, match="examples"):
        train_tool_gpt([], registry)
    assert torch.get_num_threads() >= 1


def test_decodificacion_restringida(registry, tiny):
    model, _ = tiny
    probs = model.choice_probabilities("Pregunta: ¿Cuánto es 2 más 2?\n")
    assert set(probs) == {"calculadora", "buscar_libro", *(f"consultar_sql:{k}" for k in
                          ("precio", "stock", "cuenta", "caro"))}
    assert "responder" in model.choice_probabilities("Observación: 4\n")
    assert abs(sum(probs.values()) - 1) < 1e-5
    # Aun sin entrenar, la salida restringida siempre es una llamada válida con valores copiados.
    for e in make_examples(6, split="test"):
        action = parse_action(model.complete(f"Pregunta: {e.question}\n"))
        assert action.error is None and action.tool in registry.names()
        tool, args = first_call(model, e.question)
        assert (tool, args) == (action.tool, action.arguments)
        value = str(args.get("parametros", [args.get("consulta", args.get("expresion"))])[0])
        assert all(part in e.question for part in value.split(" ") if part not in "+-*/")
    trace = run_agent(model, registry, "¿Cuánto es 12 por 7?", max_steps=2)
    assert trace.steps and trace.steps[0].ok


def test_puntuacion_de_valores_coincide_con_la_cadena(tiny):
    model, _ = tiny
    ids = model.vocab.encode("Pregunta: ¿x?\n").tolist() + [model.vocab.index(action_heads()[1])]
    score = float(model.score_values(ids, ["ab"], '"}\n')[0])
    manual, seq = 0.0, list(ids)
    for token in [*model.vocab.encode("ab").tolist(), model.vocab.index('"}\n')]:
        manual += float(torch.log_softmax(model._next_logits(seq), -1)[token])
        seq.append(token)
    assert score == pytest.approx(manual, abs=1e-4)


def test_generacion_libre(tiny):
    model, _ = tiny
    free = ToolGPT(model.model, model.vocab, copy_values=False, max_line_tokens=5)
    out = free.complete("Pregunta: ¿Cuánto es 2 más 2?\n")
    assert out.startswith("Acción: ") and isinstance(out, str)
    with pytest.raises(ValueError, match="max_line_tokens"):
        ToolGPT(model.model, model.vocab, max_line_tokens=0)


def test_receta_gpt_herramientas_coincide_con_los_valores_por_defecto() -> None:
    """La receta del cuaderno 6.2 y los valores por defecto de train_tool_gpt no se separan."""
    import inspect

    from genai_utils.agents.toolgpt import train_tool_gpt
    from genai_utils.recipes import get_recipe

    receta = get_recipe("gpt_herramientas")
    defaults = {
        k: p.default for k, p in inspect.signature(train_tool_gpt).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    for clave, valor in {**receta.model, "steps": receta.training["steps"],
                         "batch_size": receta.training["batch_size"],
                         "lr": receta.training["lr"], "seed": receta.seed}.items():
        assert defaults[clave] == valor, clave


def test_vocabulario_independiente_del_orden_de_las_frases() -> None:
    """El vocabulario no depende del orden de un ``set`` (que cambia con PYTHONHASHSEED)."""
    from genai_utils.agents.toolgpt import WordCharVocab

    frases = ["Acción: ab", "Acción: cd", "Acción: ef", "Respuesta: "]
    textos = ["Acción: ab y más texto", "Acción: cd otra vez texto"] * 3
    a = WordCharVocab(textos, 2, frases, unknown_token=True)
    b = WordCharVocab(textos, 2, list(reversed(frases)), unknown_token=True)
    assert a.tokens == b.tokens


def test_entrenamiento_como_el_bucle_de_antes(registry):
    """Huella: el bucle común da bit a bit lo que daba el bucle escrito a mano de antes."""
    from genai_utils.agents.toolgpt.train import _observations
    from genai_utils.gpt import GPT, GPTConfig
    from genai_utils.schedules import warmup_times_cosine

    examples, context, steps, seed = make_examples(40), 48, 5, 0
    kwargs = dict(n_layer=1, n_head=2, n_embd=16, context=context, seed=seed, lr=3e-3,
                  word_min_count=3, word_dropout=0.15, progress=False)
    model, losses = train_tool_gpt(examples, registry, steps=steps, batch_size=8, **kwargs)
    after = torch.rand(3)
    observations = _observations(examples, registry)
    rendered = [t for e, o in zip(examples, observations, strict=True) for t in render_turns(e, o)]
    vocab = WordCharVocab([t for t, _ in rendered], 3, format_phrases(), unknown_token=True)
    gen = torch.Generator().manual_seed(seed)
    x, y = _encode_examples(rendered, vocab, context, word_dropout=0.15, generator=gen)
    lengths = ((y != -100) * torch.arange(1, context + 1)).max(dim=1).values
    shuffled = torch.randperm(len(x), generator=gen)
    order = shuffled[torch.argsort(lengths[shuffled], stable=True)]
    torch.manual_seed(seed)
    ref = GPT(GPTConfig(len(vocab), context=context, n_layer=1, n_head=2, n_embd=16))
    opt = torch.optim.AdamW(ref.parameters(), lr=3e-3, weight_decay=0.01)
    expected = []
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = warmup_times_cosine(step, step / steps, 3e-3, warmup=50)
        start = int(torch.randint(len(x) - 8 + 1, (1,), generator=gen))
        idx = order[start : start + 8]
        length = int(lengths[idx].max())
        logits, _ = ref(x[idx, :length])
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y[idx, :length].reshape(-1), ignore_index=-100
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
        opt.step()
        expected.append(loss.item())
    assert losses == expected and torch.equal(torch.rand(3), after)
    for p, q in zip(model.model.parameters(), ref.parameters(), strict=True):
        assert torch.equal(p, q)
