"""Un GPT pequeño que aprende a usar herramientas: datos sintéticos, entrenamiento y uso.

Los datos se generan con **plantillas** en español de tres familias de preguntas, cada una con
su herramienta correcta: problemas de aritmética (``calculadora``), preguntas sobre la tienda
(``consultar_sql`` con parámetros ligados) y preguntas sobre el libro (``buscar_libro``). Cada
ejemplo es una conversación completa del bucle del agente, con la observación real que devuelve
la herramienta::

    Pregunta: ¿Cuánto es 12 por 7?
    Acción: calculadora {"expresion": "12 * 7"}
    Observación: 84
    Respuesta: 84

Decisiones de diseño, medidas con dos núcleos de CPU (el cuaderno 06_2 las cuenta):

* **Preguntas de prueba justas.** Muchas preguntas son un *envoltorio* («Dime …», «¿Puedes
  decirme …?») alrededor de un *cuerpo* («cuánto es 12 más 7», «qué dice el libro sobre …»),
  y los envoltorios se comparten entre las tres familias: así la forma de pedir no delata la
  herramienta y el modelo tiene que fijarse en el contenido. Las preguntas de prueba usan
  envoltorios, cuerpos y enunciados que no están en el entrenamiento, **y** valores nuevos:
  pares de números reservados, productos y una categoría de la tienda que no aparecen en el
  entrenamiento y temas del libro distintos. Cada forma nueva conserva las palabras que definen
  la tarea («más», «precio», «libro»…), como haría cualquier lector.
* **Palabras como tokens y marcadores para lo desconocido.** Las palabras del entrenamiento son
  un token cada una; las cifras, los signos y unos pocos trozos fijos del formato
  (``Acción: calculadora {"expresion": "``…) también. Una palabra desconocida se cambia por un
  marcador numerado (``<?1>``, ``<?2>``…), y al entrenar se «olvida» a propósito un 15 % de las
  palabras conocidas (*word dropout*) para que el modelo aprenda a elegir herramienta sin
  entenderlo todo y a copiar un marcador. Las secuencias son de unos 20 tokens: el
  entrenamiento cabe en un minuto de CPU.
* **Pérdida solo en lo que escribe el agente**, en dos turnos cortos: pregunta → acción y
  observación → respuesta; la pregunta y la observación se enmascaran.
* **Decodificación restringida.** La herramienta (y, para la tienda, la consulta) se **elige**
  entre las cabeceras válidas por su probabilidad; el valor del argumento, entre los trozos de
  la pregunta que tienen sentido (y la respuesta, entre los principios de la observación), por
  la probabilidad completa que les da el modelo.

El paquete está partido por tareas, como se lee de arriba abajo:

* :mod:`~genai_utils.agents.toolgpt.data`: plantillas y ejemplos sintéticos;
* :mod:`~genai_utils.agents.toolgpt.format`: el formato de la conversación (lo que ve el modelo);
* :mod:`~genai_utils.agents.toolgpt.vocab`: el vocabulario de palabras y caracteres;
* :mod:`~genai_utils.agents.toolgpt.decoding`: el modelo con la interfaz del agente;
* :mod:`~genai_utils.agents.toolgpt.train`: el entrenamiento con la receta ``gpt_herramientas``.
"""

from genai_utils.agents.toolgpt.data import (
    EXTRA_CATEGORIES,
    EXTRA_PRODUCTS,
    TEST_CATEGORIES,
    TEST_PRODUCTS,
    TEST_TOPICS,
    TOPICS,
    ToolExample,
    make_examples,
)
from genai_utils.agents.toolgpt.decoding import ToolGPT, _candidate_values, first_call
from genai_utils.agents.toolgpt.format import (
    ALPHABET,
    ANSWER_HEAD,
    OBS_CHARS,
    action_heads,
    answer_from_observation,
    clean_text,
    compact_observation,
    compact_prompt,
    format_phrases,
    render_example,
    render_turns,
    turn_prompt,
)
from genai_utils.agents.toolgpt.train import _encode_examples, _words_to_drop, train_tool_gpt
from genai_utils.agents.toolgpt.vocab import N_UNKNOWN, UNKNOWN, WordCharVocab

__all__ = [
    "ALPHABET",
    "ANSWER_HEAD",
    "EXTRA_CATEGORIES",
    "EXTRA_PRODUCTS",
    "N_UNKNOWN",
    "OBS_CHARS",
    "TEST_CATEGORIES",
    "TEST_PRODUCTS",
    "TEST_TOPICS",
    "TOPICS",
    "UNKNOWN",
    "ToolExample",
    "ToolGPT",
    "WordCharVocab",
    "_candidate_values",
    "_encode_examples",
    "_words_to_drop",
    "action_heads",
    "answer_from_observation",
    "clean_text",
    "compact_observation",
    "compact_prompt",
    "first_call",
    "format_phrases",
    "make_examples",
    "render_example",
    "render_turns",
    "train_tool_gpt",
    "turn_prompt",
]
