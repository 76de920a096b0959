"""Los reproductores de la revisión de seguridad (security.md §1, §2, §3 y §6), como pruebas.

Cada ataque debe rechazarse (o terminar bien) en menos de 2 s y con menos de 300 MB. El tiempo
se mide con ``time.perf_counter``; la memoria, con ``tracemalloc`` (objetos de Python) y con un
hilo que muestrea la memoria residente del proceso cada 2 ms (lo que reserva SQLite en C, que
``tracemalloc`` no ve). Si una defensa desaparece, la prueba falla: el ataque tarda o reserva más
que el límite (y un vigilante de ``faulthandler`` corta el proceso a los 60 s si algo se cuelga de
verdad).
"""

from __future__ import annotations

import faulthandler
import json
import os
import sqlite3
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from guiones import cargar_guion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_utils.agents import models as models_module
from genai_utils.agents.calculator import CalculatorError, calculate, calculator_tool
from genai_utils.agents.loop import run_agent, transcript
from genai_utils.agents.models import ScriptedModel, smollm2_cache_dir, smollm2_cache_ready
from genai_utils.agents.retrieval import E5Encoder
from genai_utils.agents.sql import (
    SQLError,
    _connect,
    create_demo_database,
    query_readonly,
    sql_tool,
)
from genai_utils.agents.tools import SchemaError, Tool, ToolRegistry, validate_arguments

MAX_SECONDS = 2.0
MAX_BYTES = 300 * 2**20
ROOT = Path(__file__).resolve().parents[1]


def _rss() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):  # fuera de Linux: solo cuenta tracemalloc
        return 0


def measure(fn):
    """Ejecuta ``fn()`` y devuelve (resultado o excepción, segundos, bytes de pico)."""
    baseline = _rss()
    peak = [baseline]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.002):
            peak[0] = max(peak[0], _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    faulthandler.dump_traceback_later(60, exit=True)
    start = time.perf_counter()
    try:
        try:
            result = fn()
        except Exception as error:  # noqa: BLE001 - se devuelve para comprobar su tipo
            result = error
        seconds = time.perf_counter() - start
    finally:
        faulthandler.cancel_dump_traceback_later()
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stop.set()
        sampler.join()
    peak[0] = max(peak[0], _rss())
    return result, seconds, max(python_peak, peak[0] - baseline)


def bounded(fn):
    """``measure`` más la comprobación de los límites de tiempo y memoria."""
    result, seconds, used = measure(fn)
    assert seconds < MAX_SECONDS, f"tardó {seconds:.2f} s"
    assert used < MAX_BYTES, f"usó {used / 2**20:.0f} MB"
    return result


def test_la_medida_puede_fallar():
    # El detector de memoria ve una reserva grande, y el cronómetro, una espera.
    _, _, used = measure(lambda: bytearray(400 * 2**20))
    assert used > MAX_BYTES
    _, seconds, _ = measure(lambda: time.sleep(0.3))
    assert seconds >= 0.3


# --------------------------------------------------------------------------- §1 calculadora


@pytest.mark.parametrize(
    "expression",
    [
        "round(7, -10**8)",  # C1: 16 caracteres que pedían 10**(10**8)
        "round(7,-9**9)",
        "round(7, -1e9)",
        "round(7, -10**100)",
        "redondear(7, 10**8)",
        "round(2.5, 0.5)",
        "9**9**9",
        "2**101",
        "10**100**100",
        "(-8)**(1/3)",  # C2: complejo
        "(-1)**0.5",
        "sqrt((-1)**0.5)",  # C3: operaciones sobre el complejo
        "round((-1)**0.5)",
        "(-1)**0.5//2",
        "(-1)**0.5%2",
        "1+\ud800",  # C4: surrogate suelto, como el que da json.loads('"\\ud800"')
        "1e50*1e50*10",
        "sqrt(4, 9)",
        "abs(1, 2)",
    ],
)
def test_calculadora_rechaza_a_tiempo(expression):
    error = bounded(lambda: calculate(expression))
    assert isinstance(error, CalculatorError), error
    assert len(str(error)) < 300


def test_calculadora_textos_enormes_c7():
    error = bounded(lambda: calculate("1" * 50_000_000))
    assert isinstance(error, CalculatorError) and "demasiado larga" in str(error)
    error = bounded(lambda: calculate(" " * 10**6 + "1+"))
    assert isinstance(error, CalculatorError) and len(str(error)) < 300


def test_calculadora_resultados_correctos_c5_c6():
    assert bounded(lambda: calculate("1e5**-50")) == pytest.approx(1e-250)
    assert bounded(lambda: calculate("0.5 ** -100")) == pytest.approx(2.0**100)
    error = bounded(lambda: calculate("1e50*1e50*10"))
    assert str(error).count("máximo") == 1  # sin mensajes anidados
    assert calculate("round(1234.5678, -2)") == 1200
    assert calculate("round(2.567, 2)") == 2.57


def test_calculadora_por_la_herramienta_nunca_da_un_complejo():
    registry = ToolRegistry().add(calculator_tool())
    for expression in ["(-8) ** (1/3)", "round(7, -10**8)", "1+\ud800"]:
        obs = bounded(lambda e=expression: registry.call("calculadora", {"expresion": e}))
        assert not obs.ok and obs.text.startswith("Error en calculadora")
        assert "j)" not in obs.text


# --------------------------------------------------------------------------- §2 SQL


@pytest.fixture()
def db(tmp_path):
    return create_demo_database(tmp_path / "tienda.db")


def _digest(path):
    return path.read_bytes()


@pytest.mark.parametrize(
    "query",
    [
        # S1: instr sobre textos enormes (una sola instrucción del motor)
        "SELECT instr(printf('%.*c', 10000000, 'a'), printf('%.*c', 1000000, 'a') || 'b')",
        "SELECT instr(printf('%.*c', 1000000, 'a'), printf('%.*c', 100000, 'a') || 'b')",
        # S2: memoria
        "SELECT zeroblob(20000000) FROM productos",
        "SELECT zeroblob(50000000) FROM productos LIMIT 3",
        "SELECT zeroblob(999999999) FROM productos",
        "SELECT randomblob(900000000)",
        "SELECT printf('%.*c', 500000000, 'x')",
        "SELECT format('%.*c', 500000000, 'x')",
        "SELECT replace(nombre, 'a', nombre) FROM productos",
        "SELECT char(65, 66)",
        "WITH RECURSIVE c(s) AS (SELECT 'a' UNION ALL SELECT s || s FROM c) "
        "SELECT length(s) FROM c",
        "SELECT group_concat(a.nombre) FROM productos a, productos b, productos c",
        # S5: puntero del montículo
        "SELECT hex(fts3_tokenizer('simple'))",
        "SELECT fts3_tokenizer('simple', x'4141414141414141')",
        "SELECT load_extension('/tmp/x')",
        # bucles y productos cartesianos
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c",
        "SELECT count(*) FROM productos a, productos b, productos c, productos d, productos e",
        # escrituras y adjuntos
        "WITH x AS (SELECT 1) INSERT INTO productos SELECT 'a', 'b', 1, 1",
        "ATTACH DATABASE 'otra.db' AS otra",
        "SELECT * FROM pragma_database_list",
    ],
)
def test_sql_rechaza_a_tiempo(db, query):
    before = _digest(db)
    error = bounded(lambda: query_readonly(db, query))
    assert isinstance(error, SQLError), error
    assert len(str(error)) < 400
    assert _digest(db) == before


def test_sql_instr_sin_printf_sigue_acotado(db):
    # Sin printf, el texto más largo que se puede construir es MAX_VALUE_BYTES: instr es rápido.
    query = (
        "WITH RECURSIVE c(s, n) AS (SELECT 'a', 0 UNION ALL SELECT s || s, n + 1 FROM c "
        "WHERE n < 13) SELECT instr(max(s), substr(max(s), 1, 4000) || 'b') FROM c"
    )
    assert bounded(lambda: query_readonly(db, query)) == (
        ["instr(max(s), substr(max(s), 1, 4000) || 'b')"],
        [(0,)],
    )
    many = (
        "SELECT count(*) FROM productos a, productos b, productos c WHERE instr("
        "a.nombre || b.nombre || c.nombre, 'zz') > 0"
    )
    assert isinstance(bounded(lambda: query_readonly(db, many)), SQLError | tuple)


def test_sql_por_la_herramienta(db):
    tool = sql_tool(db)
    registry = ToolRegistry().add(tool)
    query = "SELECT zeroblob(20000000) FROM productos"
    obs = bounded(lambda: registry.call("consultar_sql", {"consulta": query}))
    assert not obs.ok and "zeroblob" in obs.text
    assert tool.function(consulta="SELECT COUNT(*) FROM productos") == "21"


def test_sql_attach_y_escrituras_sin_autorizador_s3(db, tmp_path):
    # Aunque se quitara el autorizador, ATTACH no cabe (límite 0) y query_only impide escribir.
    conn = _connect(db, 1.0, [])
    conn.set_authorizer(None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="too many attached"):
            conn.execute(f"ATTACH '{tmp_path / 'secreta.db'}' AS s")
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("CREATE TABLE nueva (x)")
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("INSERT INTO productos VALUES ('x', 'y', 1, 1)")
    finally:
        conn.close()
    assert not (tmp_path / "secreta.db").exists()


@pytest.mark.parametrize("folder", ["a#b", "x?mode=rwc&", "p%41q", "Curso #2"])
def test_sql_ruta_con_caracteres_de_uri_s4(tmp_path, folder):
    (tmp_path / folder).mkdir()
    db = create_demo_database(tmp_path / folder / "tienda.db")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert bounded(lambda: query_readonly(db, "SELECT COUNT(*) FROM productos"))[1] == [(21,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # D7: ningún archivo suelto


def test_sql_argumentos_malos_s6(db):
    for path in (None, 3):
        with pytest.raises(TypeError, match="`path`"):
            query_readonly(path, "SELECT 1")
    with pytest.raises(ValueError, match="max_rows"):
        query_readonly(db, "SELECT 1", max_rows=10**18)
    with pytest.raises(ValueError, match="timeout"):
        query_readonly(db, "SELECT 1", timeout=-1)
    with pytest.raises(SQLError, match="larga"):
        query_readonly(db, "SELECT " + "1 + " * 5000 + "1")


# --------------------------------------------------------------------------- §3 bucle


@pytest.fixture()
def registry(db):
    return ToolRegistry().add(calculator_tool()).add(sql_tool(db))


class _Model:
    """Un modelo que devuelve siempre ``output`` (de cualquier tipo) y registra los prompts."""

    def __init__(self, output):
        self.output = output
        self.prompts = []

    def complete(self, prompt, *, stop=(), max_tokens=120):
        self.prompts.append(prompt)
        return self.output


@pytest.mark.parametrize(
    "output",
    [
        None,  # A1
        b'Acci\xc3\xb3n: calculadora {"expresion": "1+1"}',
        b"\xff\xfe",
        7,
        {"a": 1},
        'Acción: calculadora {"expresion": ' + "[" * 1000 + "]" * 1000 + "}",  # A2
        'Acción: calculadora {"expresion": ' + "[" * 300 + "]" * 300 + "}",
        'Acción: calculadora {"expresion": Infinity}',  # A8
        'Acción: calculadora {"expresion": NaN}',
        'Acción: calculadora {"expresion": ' + "9" * 5000 + "}",
        "x" * 10_000_000,
        "Acción: " + "a" * 100_000 + " {}",
        "Acción: calculadora {\ud800}",
    ],
)
def test_el_bucle_nunca_lanza(registry, output):
    trace = bounded(lambda: run_agent(_Model(output), registry, "¿?", max_steps=2))
    assert not isinstance(trace, Exception), trace
    assert all(len(s.observation) <= 600 for s in trace.steps)
    assert len(transcript("¿?", trace.steps)) < 5000


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
_SALIDAS = st.one_of(
    st.text(max_size=300),
    st.builds(lambda name, args: f"Acción: {name} {json.dumps(args)}",
              st.sampled_from(["calculadora", "consultar_sql", "x", "Acción"]), _JSON),
    st.builds(
        lambda e: f'Acción: calculadora {{"expresion": {json.dumps(e)}}}', st.text(max_size=60)
    ),
    st.binary(max_size=50),
    st.none(),
    st.integers(),
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(salidas=st.lists(_SALIDAS, min_size=1, max_size=3))
def test_el_bucle_nunca_lanza_con_salidas_al_azar(registry, salidas):
    class Guion:
        calls = 0

        def complete(self, prompt, *, stop=(), max_tokens=120):
            self.calls += 1
            return salidas[min(self.calls, len(salidas)) - 1]

    trace = run_agent(Guion(), registry, "¿?", max_steps=3, step_timeout=2)
    assert trace.stop_reason in {"respuesta", "presupuesto agotado", "bucle detectado"}
    assert all(isinstance(s.observation, str) and len(s.observation) <= 600 for s in trace.steps)


def test_observaciones_de_error_recortadas_a3():
    registry = ToolRegistry().add(calculator_tool())
    obs = bounded(lambda: registry.call("calculadora", {"expresion": ["a" * 1000] * 1000}))
    assert not obs.ok and len(obs.text) <= 600
    obs = bounded(lambda: registry.call("x" * 100_000, {}))
    assert not obs.ok and len(obs.text) <= 600
    obs = registry.call("calculadora", {"expresion": "1", "b" * 100_000: 1})
    assert not obs.ok and len(obs.text) <= 600
    with pytest.raises(SchemaError) as info:
        validate_arguments({"expresion": ["a" * 1000] * 1000}, calculator_tool().schema)
    assert len(str(info.value)) < 300


def test_herramienta_que_cuelga_no_bloquea_a4(registry):
    model = ScriptedModel(['Acción: calculadora {"expresion": "round(7, -10**8)"}', "Respuesta: 7"])
    trace = bounded(lambda: run_agent(model, registry, "¿?"))
    assert trace.answer == "7" and not trace.steps[0].ok

    def spin() -> str:
        while True:
            pass

    slow = ToolRegistry()
    slow.add(Tool("gira", "bucle infinito en Python", {"type": "object"}, spin))
    slow.add(Tool("duerme", "espera mucho", {"type": "object"}, lambda: time.sleep(30) or "z"))
    guion = ["Acción: gira {}", "Acción: duerme {}", "Respuesta: nada"]
    trace = bounded(lambda: run_agent(ScriptedModel(guion), slow, "¿?", step_timeout=0.4))
    assert trace.answer == "nada"
    assert [s.ok for s in trace.steps] == [False, False]
    assert all("no terminó en 0,4 s" in s.observation for s in trace.steps)
    # El presupuesto total también para el bucle, aunque cada paso tenga más margen.
    trace = bounded(
        lambda: run_agent(ScriptedModel(guion), slow, "¿?", step_timeout=5, time_budget=0.5)
    )
    assert trace.stop_reason == "tiempo agotado" and trace.answer is None


def test_resultado_con_str_roto_y_systemexit_a5_a6():
    class Broken:
        def __str__(self):
            raise ZeroDivisionError

    def leave():
        raise SystemExit(3)

    registry = ToolRegistry()
    registry.add(Tool("rota", "devuelve algo ilegible", {"type": "object"}, lambda: Broken()))
    registry.add(Tool("sale", "intenta cerrar el proceso", {"type": "object"}, leave))
    assert not registry.call("rota", {}).ok
    for timeout in (10.0, None):
        guion = ["Acción: rota {}", "Acción: sale {}", "Respuesta: sigo vivo"]
        trace = run_agent(ScriptedModel(guion), registry, "¿?", step_timeout=timeout)
        assert trace.answer == "sigo vivo" and [s.ok for s in trace.steps] == [False, False]


def test_infinito_y_nan_en_el_esquema_a8():
    schema = {"type": "object", "properties": {"n": {"type": "number"}}}
    for value in (float("inf"), float("nan")):
        with pytest.raises(SchemaError, match="finito"):
            validate_arguments({"n": value}, schema)


def test_max_repeats_uno_a9(registry):
    with pytest.raises(ValueError, match="max_repeats"):
        run_agent(ScriptedModel(["Respuesta: x"]), registry, "¿?", max_repeats=1)


def test_modelo_que_ignora_stop_no_finge_observaciones_a10(registry):
    model = _Model('Acción: calculadora {"expresion": "2+2"}\nObservación: 5\nRespuesta: 5')
    trace = run_agent(model, registry, "¿?", max_steps=2, max_repeats=None)
    assert [s.observation for s in trace.steps] == ["4", "4"]
    assert "Observación: 5" not in model.prompts[-1]
    model = _Model("Observación: el saldo es 0\nno sé\nObservación: falsa")
    trace = run_agent(model, registry, "¿?", max_steps=2, max_repeats=None)
    assert model.prompts[-1].count("\nObservación:") == 1  # solo la del propio bucle


# --------------------------------------------------------------------------- §6 cachés y archivos


class _Config:
    def to_dict(self):
        return {"model_type": "llama", "quantization_config": {"bits": 4}}


class _FakeModel:
    config = _Config()

    def state_dict(self):
        import torch

        return {"w": torch.arange(4.0)}


class _FakeTokenizer:
    def save_pretrained(self, folder):
        (Path(folder) / "tokenizer.json").write_text("{}", encoding="utf-8")


@pytest.fixture()
def cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAI_CACHE_DIR", str(tmp_path / "cache"))
    return smollm2_cache_dir()


def test_cache_smollm2_completa_y_vacia_d4(cache_env):
    models_module._save_cache(_FakeModel(), _FakeTokenizer(), cache_env)
    assert smollm2_cache_ready(cache_env)
    marker = json.loads((cache_env / "completo.json").read_text(encoding="utf-8"))
    assert marker["archivos"]["pesos.pt"] > 0
    (cache_env / "pesos.pt").write_bytes(b"")  # corte de luz: pesos.pt de 0 bytes
    assert not smollm2_cache_ready(cache_env)
    (cache_env / "completo.json").unlink()
    assert not smollm2_cache_ready(cache_env)
    assert not models_module._legacy_cache(cache_env)  # tampoco cuenta como caché antigua


def test_disco_lleno_no_escapa_d2(cache_env, monkeypatch):
    import torch

    def full(*_args, **_kwargs):
        raise RuntimeError("enforce fail at inline_container.cc: unexpected pos")

    monkeypatch.setattr(torch, "save", full)
    models_module._save_cache(_FakeModel(), _FakeTokenizer(), cache_env)  # no lanza
    assert not cache_env.exists()
    assert not list(cache_env.parent.glob("*.tmp"))


def test_temporales_huerfanos_se_borran_d3(cache_env):
    cache_env.parent.mkdir(parents=True)
    dead = cache_env.with_name(f"{cache_env.name}.999999999.tmp")
    alive = cache_env.with_name(f"{cache_env.name}.{os.getppid()}.tmp")
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "pesos.pt").write_bytes(b"0" * 10)
    models_module._save_cache(_FakeModel(), _FakeTokenizer(), cache_env)
    assert smollm2_cache_ready(cache_env)
    assert not dead.exists() and alive.exists()  # el de un proceso vivo no se toca


def _preparar():
    return cargar_guion("preparar_modelos")


def test_preparar_modelos_no_da_por_buena_una_cache_vacia_d4(cache_env, monkeypatch, capsys):
    script = _preparar()
    built = []

    class FakeSmol:
        def __init__(self):
            built.append(1)
            models_module._save_cache(_FakeModel(), _FakeTokenizer(), smollm2_cache_dir())

    monkeypatch.setattr(script, "smollm2_available", lambda: True)
    monkeypatch.setattr(script, "SmolLM2Model", FakeSmol)
    cache_env.mkdir(parents=True)
    (cache_env / "pesos.pt").write_bytes(b"")
    (cache_env / "config.json").write_text("{}", encoding="utf-8")
    script.main()
    out = capsys.readouterr().out
    assert "ya está preparado" not in out and built == [1]
    assert smollm2_cache_ready(cache_env)
    script.main()
    assert "ya está preparado" in capsys.readouterr().out and built == [1]


def test_cache_dir_absoluta_d8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GENAI_CACHE_DIR", "cache_relativa")
    assert smollm2_cache_dir().is_absolute()
    assert smollm2_cache_dir().parent == tmp_path / "cache_relativa"
    from genai_utils.agents.retrieval import _e5_cache_dir

    assert _e5_cache_dir() == tmp_path / "cache_relativa" / "e5"


def _encoder(folder: Path) -> E5Encoder:
    encoder = object.__new__(E5Encoder)  # sin cargar el modelo: solo se prueba la caché
    encoder.cache_dir, encoder.dim = folder, 4
    return encoder


def test_cache_e5_atomica_y_tolerante_d5(tmp_path):
    encoder = _encoder(tmp_path / "e5")
    vector = np.arange(4, dtype=np.float32)
    encoder._save("passage: hola", vector)
    assert np.array_equal(encoder._load("passage: hola"), vector)
    assert not list((tmp_path / "e5").glob("*.tmp"))
    path = encoder._path("passage: hola")
    for broken in (b"", b"\x93NUMPY\x01\x00", path.read_bytes()[:-3]):
        path.write_bytes(broken)  # vacío (EOFError), cabecera truncada, datos truncados
        assert bounded(lambda: encoder._load("passage: hola")) is None
    encoder._save("passage: hola", vector)  # se rehace encima
    assert np.array_equal(encoder._load("passage: hola"), vector)


def test_create_demo_database_no_sobrescribe_d6(tmp_path):
    notes = tmp_path / "notas_importantes.txt"
    notes.write_text("no me borres", encoding="utf-8")
    with pytest.raises(FileExistsError, match="no es la base de datos"):
        create_demo_database(notes)
    assert notes.read_text(encoding="utf-8") == "no me borres"
    other = tmp_path / "otra.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE productos (x)")
    conn.close()
    with pytest.raises(FileExistsError):
        create_demo_database(other)
    with pytest.raises(IsADirectoryError, match="`path`"):
        create_demo_database(tmp_path)
    with pytest.raises(FileNotFoundError, match="`path`"):
        create_demo_database(tmp_path / "no_existe" / "tienda.db")
    db = create_demo_database(tmp_path / "tienda.db")
    assert create_demo_database(db) == db  # la suya sí se rehace
    assert query_readonly(db, "SELECT COUNT(*) FROM productos")[1] == [(21,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notas_importantes.txt",
        "otra.db",
        "tienda.db",
    ]


# --------------------------------------------------------------------------- errores claros


def _run(**kwargs):
    return run_agent(ScriptedModel(["Respuesta: x"]), ToolRegistry(), "¿?", **kwargs)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: calculate(None), "expression"),
        (lambda: query_readonly(None, "SELECT 1"), "path"),
        (lambda: create_demo_database(3), "path"),
        (lambda: sql_tool(None), "path"),
        (lambda: ScriptedModel([None]), "outputs"),
        (lambda: _run(step_timeout=-1), "step_timeout"),
        (lambda: _run(time_budget=0), "time_budget"),
        (lambda: _run(header=3), "header"),
        (lambda: _run(quarantine=1), "quarantine"),
        (lambda: _run(max_steps=0), "max_steps"),
        (lambda: transcript(None, []), "question"),
        (lambda: validate_arguments({}, None), "schema"),
        (lambda: ToolRegistry().add(calculator_tool(), untrusted=1), "untrusted"),
    ],
)
def test_errores_en_espanol_nombran_el_argumento(call, name):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert f"`{name}`" in str(info.value)
