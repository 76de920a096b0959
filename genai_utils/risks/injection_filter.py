"""Filtro de reglas contra la inyección de instrucciones: normalizar, decodificar, buscar.

Un atacante que conoce las reglas las esquiva escribiendo lo mismo de otra forma. Antes de
buscar fórmulas, el filtro deshace los disfraces baratos (:func:`normalize_for_matching`):

* NFKC (anchura completa ``ｉｇｎｏｒａ``, letras matemáticas ``𝐚``, letras en círculo) y
  entidades de HTML (``&#105;``);
* fuera los caracteres invisibles (categoría Unicode ``Cf``: anchura cero, guion blando…);
* minúsculas (``casefold``), letras cirílicas y griegas que imitan a las latinas, sin tildes.

Después mira varias **vistas** del texto (:func:`views`): la normalizada, la de *leetspeak*
(``1gn0r4`` → ``ignora``), la de letras separadas (``i g n o r a``), la de ROT13 y la de cada
bloque Base64 decodificado. :func:`flag_texts` busca también en cada texto unido a su vecino, para
los ataques partidos entre dos fragmentos. Lo que no puede hacer un filtro así: reconocer una
orden redactada de una forma que nadie previó (véase la batería reservada de
:mod:`~genai_utils.risks.injection_suite`).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "flag_instructions",
    "flag_instructions_legacy",
    "flag_texts",
    "neutralize_delimiters",
    "normalize_for_matching",
    "strip_invisible",
    "views",
]

# Letras cirílicas y griegas (ya en minúscula) que se confunden con letras latinas.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝɡӏһкмтвнαοριεκνυτχβγ",
    "aeopcyxijsdqwgihkmtbhaopieknutxby",
)
_LEET = str.maketrans("013457@$", "oieastas")
_ANGLES = "<>＜＞﹤﹥‹›⟨⟩〈〉《》❮❯˂˃ᐸᐳ"


def strip_invisible(text: str) -> str:
    """``text`` sin caracteres de formato invisibles (categoría ``Cf``: U+200B, U+00AD…)."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def normalize_for_matching(text: str, *, keep_case: bool = False) -> str:
    """Forma canónica para buscar fórmulas: entidades HTML, NFKC, sin invisibles, minúsculas,
    homoglifos a letras latinas, sin tildes y con los espacios seguidos reducidos a uno (los
    saltos de línea se conservan). ``keep_case=True`` no pasa a minúsculas (para Base64)."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    unescaped = html.unescape(strip_invisible(text))  # invisibles dentro de «&#105;» también
    plain = strip_invisible(unicodedata.normalize("NFKC", unescaped))
    if keep_case:
        return plain
    plain = plain.casefold().translate(_CONFUSABLES)
    decomposed = unicodedata.normalize("NFD", plain)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"[^\S\n]+", " ", plain)


def _despaced(text: str) -> str:
    """Une las letras sueltas separadas por un espacio (``i g n o r a`` → ``ignora``); dos o
    más espacios separan palabras."""
    marked = re.sub(r"[^\S\n]{2,}", "\x00", text)
    joined = re.sub(
        r"(?<![^\s\x00])(?:\w )+\w(?![^\s\x00])", lambda m: m.group(0).replace(" ", ""), marked
    )
    return joined.replace("\x00", " ")


def _leet(text: str) -> str:
    """Cambia cifras por letras en las palabras que mezclan ambas (``1gn0r4`` → ``ignora``)."""
    return re.sub(r"\S*[a-z]\S*", lambda m: m.group(0).translate(_LEET), text)


def _base64_texts(raw: str) -> list[str]:
    """Los bloques Base64 de ``raw`` que decodifican a texto legible."""
    found = []
    for block in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", raw):
        try:
            decoded = base64.b64decode(block + "=" * (-len(block) % 4), validate=True)
            text = decoded.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if text and sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
            found.append(text)
    return found


def views(text: str) -> list[str]:
    """Las vistas de ``text`` en que se buscan las fórmulas: normalizada, sin *leetspeak*, con las
    letras sueltas unidas, en ROT13 y cada bloque Base64 decodificado (normalizados)."""
    raw = normalize_for_matching(text, keep_case=True)
    plain = normalize_for_matching(text)
    found = [plain, _leet(plain), normalize_for_matching(_despaced(raw))]
    found.append(normalize_for_matching(codecs.encode(raw, "rot13")))
    return found + [normalize_for_matching(t) for t in _base64_texts(raw)]


_NOT = r"(?<!\bno )(?<!\bnunca )(?<!\bnever )(?<!\bnot )(?<!\bdon't )"
_IGNORE = (
    r"ignor[ae]\w*|olvid[ae]\w*|desatend\w*|desatiend\w*|omit[ae]\w*|haz caso omiso|"
    r"hagas caso omiso|pasa\w* por alto|deja\w* de lado|descarta\w*|disregard\w*|forget\w*|"
    r"overlook\w*|set aside|skip\w*|bypass\w*|override\w*"
)
_TARGET = (
    r"instruccion|indicacion|regla|pregunta|peticion|anterior|previ[oa]|arriba|todo lo\b|"
    r"lo que te|instruction|direction|guideline|rule|question|request|previous|prior\b|"
    r"earlier|above|everything"
)
_ANSWER = r"respond\w*|contesta\w*|escrib\w*|di|decir|dice|answer\w*|repl\w*|say|print|write"
_ONLY = r"solo|solamente|unicamente|exclusivamente|only|just"
_MODEL = r"asistente|modelo|agente|ia|bot|chatbot|llm|assistant|model|ai|agent"
_PATTERNS = [
    rf"{_NOT}\b({_IGNORE})\b.{{0,50}}?\b({_TARGET})",
    rf"\b({_ANSWER})\b( con| with)?( la| the)?( single)?( palabra| word)? ({_ONLY})\b"
    r"(?! (si|cuando|if|when|con (sus?|el|los|lo)|with (its|their))\b)",
    rf"\b({_ONLY}) ({_ANSWER})\b",
    rf"\b({_ANSWER}) (con|with) (la|the) (single |sola )?(palabra|word)\b",
    rf"\b({_ANSWER}) (with )?\S+ only\b",
    r"\by nada mas\s*([.!;,)]|$)|\band nothing else\b",
    r"\blo unico que (debes|tienes que|puedes) (decir|escribir|responder|contestar)\b",
    r"\b(siempre|always) (respond\w*|contesta\w*|answer\w*|repl\w*|say\w*)\b",
    rf"\b(nota|mensaje|instruccion(es)?|indicacion(es)?|orden(es)?|apunte|recordatorio|aviso)"
    rf"( importante| breve| rapida)? (para|al?|dirigid[oa]s? al?)( el| la| este| esta| tu)? "
    rf"({_MODEL})\b",
    rf"\b(note|message|instructions?|reminder) (to|for) (the |this )?({_MODEL})\b",
    r"(^|[.!?:;\n]\s*)(asistente|assistant)\s*[:,]",
    r"\b(instruccion|nota) oculta\b|\bhidden (note|instruction)",
    r"\b(instruccion(es)?|mensaje|orden(es)?|aviso) del (sistema|administrador|desarrollador|"
    r"programador)\b",
    r"(^|[.!?>\]\n]\s*)(system|sistema)\s*:|\[(system|sistema|inst|admin)\]|"
    r"<\|?(im_start|im_end|system|endoftext)\|?>|#+ ?system\b|\bsystem override\b",
    r"\b(a partir de ahora|desde ahora|ahora) (eres|seras|actuas)\b|"
    r"\b(actua|actues|comportate) como (un |una )?(bot|asistente|ia|modelo|sistema|otro)\b|"
    r"\bfinge (que eres|ser)\b|\bsin restricciones\b",
    r"\bnuev[oa]s? (instrucciones|reglas|ordenes|tarea)\s*:|\bnew (rules|instructions|task)\s*:",
    r"\byou are now (an? )?\w*(bot|gpt|ai)\b|\bfrom now on,? you\b|\bpretend (that )?(you are|"
    r"to be)\b|\bdeveloper mode\b|\b(no|without) (rules|restrictions)\b",
    r"\b(llama\w*|invoca\w*|ejecuta\w*|usa\w*|utiliza\w*|call\w*|invoke\w*|run|use|execute)"
    r" (a |la |el |the )*(herramienta |tool |funcion )?[a-z]+_[a-z0-9_]+",
    r"(?m)^\s*(accion|action|observacion|observation)\s*:\s*\w+",
    r"<{3}|>{3}|\bfin del (documento|fragmento)\b|\bend of (retrieved )?data\b|"
    r"</?(document|documento)\w*>",
    r"<!--|\[(//|comment)\]: ?(#|<>)|display: ?none",
    r"\b(decodifica\w*|descodifica\w*|decode\w*|descifra\w*)\b.{0,40}?\b(obedec\w*|sigue|haz|"
    r"follow|obey|do)\b",
]
_COMPILED = [re.compile(p, re.DOTALL) for p in _PATTERNS]


def _hits(found_views: list[str]) -> dict[int, str]:
    """Índice de cada regla que se cumple en alguna de las vistas → el trozo que la cumple."""
    found: dict[int, str] = {}
    for view in found_views:
        for i, pattern in enumerate(_COMPILED):
            if i not in found and (m := pattern.search(view)):
                found[i] = m.group(0).strip()
    return found


def flag_instructions(text: str) -> list[str]:
    """Fragmentos de ``text`` que parecen órdenes dirigidas al asistente (lista vacía si no hay).

    Es un filtro de reglas, sin modelo: barato, predecible y fácil de esquivar con una redacción
    que no previó (por eso se combina con defensas que no leen el texto, como la lista blanca).
    """
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    return list(_hits(views(text)).values())


def flag_texts(texts: Sequence[str]) -> list[list[str]]:
    """Lo que marca :func:`flag_instructions` en cada texto de ``texts``, más lo que aparece al
    unir cada texto con el siguiente: una coincidencia que cruza la frontera, o que llega hasta
    ella (la orden puede seguir en el vecino), marca a los dos. Así un ataque partido entre dos
    fragmentos vecinos no deja pasar ninguna mitad."""
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("El argumento `texts` debe ser una lista de textos (str).")
    all_views = [views(t) for t in texts]
    flags = [list(_hits(v).values()) for v in all_views]
    for i in range(len(texts) - 1):
        new = _at_border(all_views[i], all_views[i + 1])
        flags[i] += new
        flags[i + 1] += new
    return flags


def _at_border(first: list[str], second: list[str]) -> list[str]:
    """Coincidencias que cruzan la unión de dos textos o la tocan (a 2 caracteres), buscadas en
    sus vistas unidas (la normalizada, sin *leetspeak*, de letras unidas y en ROT13)."""
    found = []
    for a, b in zip(first[:4], second[:4], strict=True):
        a, b = a.rstrip(), b.lstrip()
        joined, cut = f"{a} {b}", len(a)
        for pattern in _COMPILED:
            for m in pattern.finditer(joined, max(0, cut - 200), cut + 200):
                if m.start() <= cut + 2 and m.end() >= cut - 1 and m.group(0).strip():
                    found.append(m.group(0).strip())
    return list(dict.fromkeys(found))


def neutralize_delimiters(text: str) -> str:
    """``text`` sin invisibles y con cada racha de dos o más ángulos (``<<``, ``＞＞``, ``‹‹``…)
    cambiada por ``[·]``: así ningún delimitador, ni parecido, puede cerrar un bloque."""
    plain = strip_invisible(text)
    angles = re.escape(_ANGLES)
    return re.sub(rf"[{angles}](?:\s*[{angles}])+", "[·]", plain)


# El filtro anterior (9 reglas, solo minúsculas y sin tildes), para comparar en el capítulo 7.
_LEGACY = [
    re.compile(p)
    for p in [
        r"\bignor[ae]\w*\b.{0,40}\b(instruccion|pregunta|anterior|todo)",
        r"\bolvida\w*\b.{0,40}\b(instruccion|anterior|todo)",
        r"\b(nota|mensaje|instruccion(es)?)\s+(para|al?)\s+(el\s+)?(asistente|modelo|agente|ia)\b",
        r"\binstruccion(es)?\s+del\s+sistema\b",
        r"\bresponde\s+(solo|solamente|unicamente)\b",
        r"\bescribe\b.{0,30}\by\s+nada\s+mas\b",
        r"\b(llama|invoca|ejecuta|usa)\b.{0,20}\bherramienta\b",
        r"\bignore\s+(all\s+|the\s+)?(previous|above|prior)\b",
        r"\b(system\s+prompt|you\s+are\s+now|disregard)\b",
    ]
]


def flag_instructions_legacy(text: str) -> list[str]:
    """El filtro de la primera edición (sin normalizar ni decodificar), para comparar."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn"
    )
    return [m.group(0) for p in _LEGACY if (m := p.search(plain))]
