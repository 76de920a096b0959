"""Las cifras que imprimen los cuadernos siguen la norma del libro: coma decimal, no punto.

La prosa escribe «9,8 %» y «1,74»; un ``print(f"{x:.2f}")`` escribiría «1.74». Dos pruebas:

* **estática**, sobre el código de los cuadernos: ninguna especificación de formato que produzca
  un punto decimal o una coma de millares (``:.3f``, ``:.1%``, ``:.2e``, ``:,``, ``%.2f``,
  ``round(x, 2)`` impreso…) salvo las de la lista ``PERMITIDOS``, cada una con su motivo. Las
  cifras se formatean con :mod:`genai_utils.report` (``fmt_num``, ``fmt_pct``, ``fmt_sci``…).
* **dinámica** (marca ``libro``), sobre las salidas de texto de los cuadernos ejecutados por la
  construcción (``_build/jupyter_execute/notebooks``): ningún número con punto decimal fuera de
  los patrones legítimos de ``SALIDAS_PERMITIDAS`` (versiones, direcciones, eco de código).

La lógica de las dos se prueba también con ejemplos pequeños escritos aquí.
"""

from __future__ import annotations

import ast
import json
import re
import string
from html import unescape
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
CUADERNOS = sorted((RAIZ / "notebooks").glob("*.ipynb"))
EJECUTADOS = RAIZ / "_build/jupyter_execute/notebooks"

# 7.6 lo revisa otra tarea a la vez que esta (issue 13): se incluirá al unir las dos ramas.
PENDIENTES = {"07_6_alucinacion_inyeccion.ipynb"}

# Especificaciones de formato legítimas: (cuaderno, fragmento de la línea) → motivo. Hoy no hay
# ninguna: una cifra que solo lee la máquina (una clave de glue, un nombre de archivo) se escribe
# con «:.0f» o sin formato, que no llevan punto. Si hiciera falta, p. ej.:
#   ("07_7_coste.ipynb", 'open(f"flops_{x:.1e}.json"'): "nombre de archivo, no lo lee nadie",
PERMITIDOS: dict[tuple[str, str], str] = {}

# Lo que puede llevar un punto entre cifras en una salida sin ser una cifra para el lector. Cada
# patrón se quita de la línea antes de buscar números con punto.
SALIDAS_PERMITIDAS = {
    "dirección web": r"https?://\S+",
    "versión (tres o más números)": r"\bv?\d+(?:\.\d+){2,}\b",
    "nombre de archivo": r"[\w-]+(?:\.[\w-]+)*\.(?:ipynb|py|json|txt|md|gguf|zip|csv|png)\b",
    "número de un cuaderno o sección («el cuaderno 5.3»)":
        r"\b(?:cuadernos?|secci[oó]n|apartado)\s+\d+\.\d+\b",
    "repr de un diccionario de Python (una receta impresa con print: es código)":
        r"^\s*\{'[^\n]*\}\s*$",
    "repr de una configuración (GPTConfig(dropout=0.0)): es código": r"^\s*\w+\(\w+=[^\n]*\)\s*$",
    "repr de la función que devuelve interact(...)": r"<function __main__\.\w+\([^>]*\)>",
}
# Las mismas, solo en un cuaderno: cuaderno → {motivo: patrón}.
_HERRAMIENTAS = {
    # Las herramientas del agente hablan en sintaxis de Python y de SQL: la calculadora lee
    # «7.5 * 18» y la base de datos devuelve «7.5, 18». Con coma decimal, «7,5, 18» sería ambiguo
    # (la coma separa columnas) y el agente no podría devolver el valor a la calculadora.
    "argumento de la calculadora": r'"expresion": "[^"]*"',
    "observación de una herramienta": r"(?:→|[Oo]bservación:|Respuesta:)\s*[^|\n']*",
    "observación en la tabla HTML de una traza (una celda solo de cifras)":
        r"\|\s*\d+(?:\.\d+)?(?:, \d+(?:\.\d+)?)*\s*(?=\|)",
}
SALIDAS_PERMITIDAS_POR_CUADERNO: dict[str, dict[str, str]] = {
    "06_1_bucle_agente.ipynb": _HERRAMIENTAS,
    "06_2_gpt_herramientas.ipynb": _HERRAMIENTAS,
}
# Celdas cuya salida es texto generado por un modelo (no cifras): cuaderno → fragmento del código
# de la celda. Un n-grama de caracteres puede escribir «7.4» al azar.
TEXTO_GENERADO = {
    "01_2_ngramas.ipynb": "modelos[mejor_orden].sample(",
}

NUMERO_CON_PUNTO = re.compile(r"\b\d+\.\d+\b")

# Minilenguaje de formato de Python: [[relleno]alineación][signo][z][#][0][ancho][agrupación]
# [.precisión][tipo].
_SPEC = re.compile(
    r"^(?:.?[<>=^])?[+\- ]?z?#?0?(?P<ancho>\d+)?(?P<grupos>[,_])?(?:\.(?P<prec>\d+))?"
    r"(?P<tipo>[bcdeEfFgGnosxX%])?$"
)
_PORCENTAJE = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(?:\d+|\*)?(?:\.(?P<prec>\d+))?(?P<tipo>[eEfFgG])"
)


def especificacion_con_punto(spec: str) -> bool:
    """¿Produce ``format(x, spec)`` un punto decimal o una coma de millares con un número real?"""
    m = _SPEC.match(spec)
    if m is None:
        return True  # una especificación anidada o desconocida: mejor revisarla a mano
    tipo, prec = m["tipo"], m["prec"]
    if m["grupos"] or tipo in {"e", "E", "g", "G", "n", "%"}:
        return True
    if tipo in {"f", "F"}:
        return prec is None or int(prec) > 0
    return tipo is None and prec is not None  # «.3» sin tipo: formato general


def _texto_spec(nodo: ast.expr) -> str:
    """El texto de la especificación de un campo de una cadena f (``{...}`` si está anidada)."""
    partes = []
    for valor in getattr(nodo, "values", [nodo]):
        partes.append(valor.value if isinstance(valor, ast.Constant) else "{…}")
    return "".join(str(p) for p in partes)


def _es_round_con_decimales(nodo: ast.Call) -> bool:
    func = nodo.func
    if isinstance(func, ast.Name) and func.id == "round" and len(nodo.args) == 2:
        cifras = nodo.args[1]
        return not (isinstance(cifras, ast.Constant) and isinstance(cifras.value, int)
                    and cifras.value <= 0)
    return isinstance(func, ast.Attribute) and func.attr == "round" and bool(
        nodo.args or nodo.keywords)


_IMPRIME = {"print", "set_title", "set_xlabel", "set_ylabel", "text", "annotate", "suptitle",
            "title", "xlabel", "ylabel", "legend", "set_label", "display"}


def _nombre_llamada(nodo: ast.Call) -> str:
    func = nodo.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


class _Buscador(ast.NodeVisitor):
    """Recorre el árbol de una celda y anota (línea, descripción) de cada formato con punto."""

    def __init__(self) -> None:
        self.hallazgos: list[tuple[int, str]] = []
        self._dentro: list[str] = []  # «f» dentro de una cadena f; «print» dentro de su llamada

    def _anota(self, nodo: ast.AST, texto: str) -> None:
        self.hallazgos.append((nodo.lineno, texto))

    def visit_FormattedValue(self, nodo: ast.FormattedValue) -> None:
        if nodo.format_spec is not None:
            spec = _texto_spec(nodo.format_spec)
            if especificacion_con_punto(spec):
                self._anota(nodo, f"formato «:{spec}»")
        self._dentro.append("f")
        self.visit(nodo.value)
        self._dentro.pop()

    def visit_BinOp(self, nodo: ast.BinOp) -> None:
        izquierda = nodo.left
        if (isinstance(nodo.op, ast.Mod) and isinstance(izquierda, ast.Constant)
                and isinstance(izquierda.value, str)):
            for m in _PORCENTAJE.finditer(izquierda.value):
                if m["tipo"] not in "fF" or m["prec"] is None or int(m["prec"]) > 0:
                    self._anota(nodo, f"formato «{m.group()}»")
        self.generic_visit(nodo)

    def visit_Call(self, nodo: ast.Call) -> None:
        func = nodo.func
        if (isinstance(func, ast.Attribute) and func.attr == "format"
                and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)):
            for _, _, spec, _ in string.Formatter().parse(func.value.value):
                if spec and especificacion_con_punto(spec):
                    self._anota(nodo, f"formato «:{spec}» en .format")
        if _es_round_con_decimales(nodo) and self._dentro:
            self._anota(nodo, "round(…) con decimales en un texto impreso")
        imprime = _nombre_llamada(nodo) in _IMPRIME
        if imprime:
            self._dentro.append("print")
        self.generic_visit(nodo)
        if imprime:
            self._dentro.pop()


def formatos_con_punto(codigo: str) -> list[tuple[int, str]]:
    """(línea, descripción) de cada formato de ``codigo`` que escribiría un punto decimal."""
    buscador = _Buscador()
    buscador.visit(ast.parse(codigo))
    return sorted(buscador.hallazgos)


def _celdas_de_codigo(cuaderno: Path) -> list[tuple[int, str]]:
    celdas = json.loads(cuaderno.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(celdas) if c["cell_type"] == "code"]


def _permitido(nombre: str, linea: str) -> bool:
    return any(c == nombre and fragmento in linea for c, fragmento in PERMITIDOS)


# ------------------------------------------------------------------------------ prueba estática


def test_la_regla_de_las_especificaciones() -> None:
    for con_punto in [".3f", ">10.2f", ".1%", ".0%", "6.1%", ".2e", "13.3e", ",", "_", ".4g",
                      "+.2f", ".3", "{…}"]:
        assert especificacion_con_punto(con_punto), con_punto
    for sin_punto in ["", ">5", "<24", "3d", ".0f", ">9.0f", "x", "s", "^30"]:
        assert not especificacion_con_punto(sin_punto), sin_punto


def test_el_buscador_con_ejemplos() -> None:
    codigo = '\n'.join([
        'print(f"NLL: {nll:.3f} y {n:,} puntos")',  # 1: dos hallazgos
        'print(f"{fmt_num(nll, 3):>10} {k:>3} {pasos:.0f}")',  # 2: ninguno
        'ax.set_title(f"media {m:.2f}")',  # 3
        'print("%.2f" % x, "%d" % n)',  # 4: solo el primero
        'print("{:.1%}".format(p))',  # 5
        'print([round(v, 2) for v in xs])',  # 6
        'print(f"{[round(v, 3) for v in xs]}")',  # 7
        'n = round(x, 2)',  # 8: un cálculo, no se imprime
        'print(round(x))',  # 9: un entero
        'print(f"{x:.{d}f}")',  # 10: anidada, se revisa a mano
        'print(t.round(decimals=4).tolist())',  # 11
    ])
    lineas = [linea for linea, _ in formatos_con_punto(codigo)]
    assert lineas == [1, 1, 3, 4, 5, 6, 7, 10, 11]


@pytest.mark.parametrize("cuaderno", [c for c in CUADERNOS if c.name not in PENDIENTES],
                         ids=lambda c: c.stem)
def test_los_cuadernos_formatean_sus_cifras_en_espanol(cuaderno: Path) -> None:
    problemas = []
    for indice, codigo in _celdas_de_codigo(cuaderno):
        lineas = codigo.splitlines()
        for n, descripcion in formatos_con_punto(codigo):
            linea = lineas[n - 1].strip()
            if not _permitido(cuaderno.name, linea):
                problemas.append(f"[{indice}] l. {n}: {descripcion}: {linea}")
    assert not problemas, (
        "Cifras con punto decimal (usa fmt_num, fmt_pct, fmt_sci… de genai_utils.report, o añade "
        "el caso a PERMITIDOS con su motivo):\n" + "\n".join(problemas)
    )


def test_la_lista_de_permitidos_no_tiene_entradas_muertas() -> None:
    codigo = {c.name: "\n".join(t for _, t in _celdas_de_codigo(c)) for c in CUADERNOS}
    muertas = [f"{c}: {f}" for c, f in PERMITIDOS if f not in codigo.get(c, "")]
    assert not muertas, "Entradas de PERMITIDOS que ya no están en su cuaderno:\n" + "\n".join(
        muertas)


# ----------------------------------------------------------------------------- prueba dinámica


def _texto_de_html(html: str) -> str:
    """El texto que ve el lector de una salida HTML (sin etiquetas ni estilos)."""
    texto = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    texto = re.sub(r"</t[dh]>", " | ", texto, flags=re.I)  # una fila de tabla, una línea
    texto = re.sub(r"<(?:tr|br|p|div|caption)\b[^>]*>", "\n", texto, flags=re.I)
    return unescape(re.sub(r"<[^>]+>", " ", texto))


def textos_de_salida(cuaderno: dict, nombre: str = "") -> list[tuple[int, str]]:
    """(celda, texto) de cada salida que lee el lector: ``stdout`` y resultados en texto o HTML.

    No se miran ``stderr`` (avisos y barras de progreso), ni las salidas de widgets, ni el texto
    de reserva de una figura («<Figure size 640x480 with 1 Axes>»), ni las celdas de
    ``TEXTO_GENERADO``. De un resultado con HTML se mira el HTML, que es lo que muestra la página.
    """
    generado = TEXTO_GENERADO.get(nombre)
    textos = []
    for i, celda in enumerate(cuaderno["cells"]):
        if generado and generado in "".join(celda.get("source", [])):
            continue
        for salida in celda.get("outputs", []):
            if salida.get("output_type") == "stream":
                if salida.get("name") == "stdout":
                    textos.append((i, "".join(salida["text"])))
                continue
            datos = salida.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in datos or "image/png" in datos:
                continue
            if "text/html" in datos:
                textos.append((i, _texto_de_html("".join(datos["text/html"]))))
            elif "text/plain" in datos:
                textos.append((i, "".join(datos["text/plain"])))
    return textos


def numeros_con_punto(texto: str, permitidos: dict[str, str] | None = None) -> list[str]:
    """Los números con punto decimal de ``texto``, quitados antes los patrones permitidos."""
    for patron in {**SALIDAS_PERMITIDAS, **(permitidos or {})}.values():
        texto = re.sub(patron, " ", texto)
    return NUMERO_CON_PUNTO.findall(texto)


def problemas_en_salidas(cuaderno: dict, nombre: str) -> list[str]:
    """Una línea por cada salida de ``cuaderno`` que muestra un número con punto decimal."""
    permitidos = SALIDAS_PERMITIDAS_POR_CUADERNO.get(nombre, {})
    problemas = []
    for indice, texto in textos_de_salida(cuaderno, nombre):
        for linea in texto.splitlines():
            numeros = numeros_con_punto(linea, permitidos)
            if numeros:
                problemas.append(f"{nombre} [{indice}] {', '.join(numeros)}: {linea.strip()[:120]}")
    return problemas


def _cuaderno_sintetico() -> dict:
    def stdout(texto: str) -> dict:
        return {"output_type": "stream", "name": "stdout", "text": [texto]}

    return {"cells": [
        {"cell_type": "code", "outputs": [stdout("NLL final: 3,42 nats; exactitud 98,1 %\n")]},
        {"cell_type": "code", "outputs": [stdout("pérdida 0.123 tras 10 pasos\n")]},
        {"cell_type": "code", "outputs": [
            {"output_type": "stream", "name": "stderr", "text": ["100%|█| 2.5it/s\n"]},
            {"output_type": "display_data", "data": {
                "image/png": "…", "text/plain": ["<Figure size 4.5x4.5 with 1 Axes>"]}},
            {"output_type": "display_data", "data": {
                "application/vnd.jupyter.widget-view+json": {}, "text/plain": ["0.5"]}},
        ]},
        {"cell_type": "code", "outputs": [stdout(
            "torch 2.13.0, https://ejemplo.org/v1.2/x y modelo.v2.gguf\n")]},
        {"cell_type": "code", "outputs": [{"output_type": "execute_result", "data": {
            "text/plain": ["(0.25, 1)"]}}]},
        {"cell_type": "markdown", "source": ["pi = 3.14 en la prosa no es una salida"]},
        {"cell_type": "code",
         "outputs": [stdout('Acción: calculadora {"expresion": "7.5 * 18"}\n')]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {
            "text/plain": ["Feedback(...)"],
            "text/html": ['<div style="padding:0.4em 0.8em">Correcto: 0.75 &lt; 1</div>']}}]},
        {"cell_type": "code", "outputs": [stdout(
            "{'lr': 0.01, 'steps': 500}\nEl cuaderno 5.3 entrena un GPT\n")]},
        {"cell_type": "code", "source": ["print(modelo.sample(300))"],
         "outputs": [stdout("texto al azar: 7.4 lo6\n")]},
    ]}


def test_la_revision_de_salidas_con_un_cuaderno_sintetico() -> None:
    problemas = problemas_en_salidas(_cuaderno_sintetico(), "sintetico.ipynb")
    assert [p.split(":")[0] for p in problemas] == [
        "sintetico.ipynb [1] 0.123", "sintetico.ipynb [4] 0.25", "sintetico.ipynb [6] 7.5",
        "sintetico.ipynb [7] 0.75", "sintetico.ipynb [9] 7.4"]
    eco = {"eco de la calculadora": r'"expresion": "[^"]*"'}
    assert numeros_con_punto('calculadora {"expresion": "7.5 * 18"}', eco) == []
    TEXTO_GENERADO["sintetico.ipynb"] = "modelo.sample("
    try:  # la celda de texto generado ya no cuenta
        assert len(problemas_en_salidas(_cuaderno_sintetico(), "sintetico.ipynb")) == 4
    finally:
        del TEXTO_GENERADO["sintetico.ipynb"]


@pytest.mark.libro
@pytest.mark.parametrize("cuaderno", [c for c in CUADERNOS if c.name not in PENDIENTES],
                         ids=lambda c: c.stem)
def test_las_salidas_ejecutadas_usan_coma_decimal(libro, cuaderno: Path) -> None:
    ejecutado = EJECUTADOS / cuaderno.name
    assert ejecutado.exists(), f"La construcción no dejó {ejecutado}"
    problemas = problemas_en_salidas(json.loads(ejecutado.read_text(encoding="utf-8")),
                                     cuaderno.name)
    assert not problemas, (
        "Salidas con punto decimal (formatea con genai_utils.report o añade el patrón legítimo a "
        "SALIDAS_PERMITIDAS_POR_CUADERNO con su motivo):\n" + "\n".join(problemas)
    )
