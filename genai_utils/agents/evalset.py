"""Preguntas en español sobre el libro, con su pasaje de referencia, para medir recuperadores.

Cada :class:`BookQuestion` dice en qué página está la respuesta (``source``) y una frase corta
que aparece literalmente en el pasaje correcto (``phrase``). Un fragmento recuperado es
relevante si viene de esa página y contiene la frase (sin distinguir tildes ni mayúsculas): la
referencia no depende de cómo se fragmente el texto. Las preguntas están escritas como las haría
un lector y tratan del capítulo 1; muchas repiten las palabras clave del pasaje (nombres, años,
términos poco frecuentes), así que favorecen a los buscadores por palabras: no son un banco de
paráfrasis. ``answer`` es la
respuesta esperada, corta, para juzgar las respuestas generadas.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BOOK_QUESTIONS", "BookQuestion"]

_C = "01/"


@dataclass(frozen=True)
class BookQuestion:
    """Una pregunta, la página y la frase del pasaje de referencia, y la respuesta esperada."""

    question: str
    source: str
    phrase: str
    answer: str


BOOK_QUESTIONS: list[BookQuestion] = [
    BookQuestion(
        "¿Qué hizo Markov con el poema de Pushkin?",
        _C + "historia",
        "Eugenio Oneguin",
        "contó vocales y consonantes",
    ),
    BookQuestion(
        "¿Quién usó en 1948 las cadenas de Markov para generar texto?",
        _C + "historia",
        "Claude Shannon usó la misma idea",
        "Claude Shannon",
    ),
    BookQuestion(
        "¿En qué año se propusieron los autocodificadores variacionales?",
        _C + "historia",
        "Kingma y Welling",
        "2013",
    ),
    BookQuestion(
        "¿Quién enfrentó un generador con un discriminador?",
        _C + "historia",
        "Goodfellow y sus colaboradores",
        "Goodfellow",
    ),
    BookQuestion(
        "¿Cuándo apareció la idea de la difusión y quién la propuso?",
        _C + "historia",
        "Sohl-Dickstein",
        "2015, Sohl-Dickstein",
    ),
    BookQuestion(
        "¿Qué arquitectura prescindió de la recurrencia y usó solo atención?",
        _C + "historia",
        "prescinden de la recurrencia",
        "el transformer",
    ),
    BookQuestion(
        "¿Cuántos parámetros tenía GPT-3?",
        _C + "historia",
        "175 000 millones de parámetros, resuelve",
        "175 000 millones",
    ),
    BookQuestion(
        "¿Es cierto que la GAN deriva de los modelos de difusión?",
        _C + "historia",
        "La cronología lo desmiente",
        "no",
    ),
    BookQuestion(
        "¿En qué año las máquinas de Boltzmann aprendieron una distribución?",
        _C + "historia",
        "máquinas de Boltzmann",
        "1985",
    ),
    BookQuestion(
        "¿Cuándo se publicó ChatGPT para el gran público?",
        _C + "historia",
        "al gran público en noviembre de 2022",
        "noviembre de 2022",
    ),
    BookQuestion(
        "¿Qué modelo generaba audio muestra a muestra en 2016?",
        _C + "historia",
        "genera audio muestra a muestra",
        "WaveNet",
    ),
    BookQuestion(
        "¿Qué distingue a la científica de datos del pintor en la analogía?",
        _C + "que_es",
        "impresionistas",
        "clasificar frente a crear",
    ),
    BookQuestion(
        "¿Guarda un modelo entrenado sus datos de entrenamiento en una base de datos?",
        _C + "que_es",
        "no guarda sus datos de entrenamiento",
        "no: guarda parámetros",
    ),
    BookQuestion(
        "¿Qué empresa de Londres crea vídeos con presentadores virtuales?",
        _C + "que_es",
        "fundada en 2017 en Londres",
        "Synthesia",
    ),
    BookQuestion(
        "¿Qué es el aprendizaje profundo dentro del aprendizaje automático?",
        _C + "que_es",
        "redes neuronales (neural networks) de muchas capas",
        "la parte que usa redes de muchas capas",
    ),
    BookQuestion(
        "¿Qué probabilidad aprende un clasificador discriminativo?",
        _C + "generativo_vs_discriminativo",
        "aprende la probabilidad condicionada",
        "p(y|x)",
    ),
    BookQuestion(
        "¿Qué encontraron Ng y Jordan al comparar naive Bayes con la regresión logística?",
        _C + "generativo_vs_discriminativo",
        "Ng y Jordan",
        "el generativo converge con menos datos",
    ),
    BookQuestion(
        "¿Cómo se inventa un animal con el modelo de gatos y perros?",
        _C + "generativo_vs_discriminativo",
        "muestreo ancestral",
        "muestreo ancestral",
    ),
    BookQuestion(
        "¿Qué supuesto hace el clasificador bayesiano ingenuo?",
        _C + "generativo_vs_discriminativo",
        "naive Bayes",
        "rasgos independientes dentro de cada clase",
    ),
    BookQuestion(
        "¿Cuál es el estimador de máxima verosimilitud al lanzar una moneda?",
        _C + "bases_matematicas",
        "la frecuencia observada",
        "la frecuencia observada",
    ),
    BookQuestion(
        "¿Quién describió el descenso de gradiente en el siglo XIX?",
        _C + "bases_matematicas",
        "Cauchy",
        "Cauchy",
    ),
    BookQuestion(
        "¿Qué pasa si la tasa de aprendizaje es demasiado grande?",
        _C + "bases_matematicas",
        "oscila o diverge",
        "oscila o diverge",
    ),
    BookQuestion(
        "¿Qué es un espacio latente?",
        _C + "bases_matematicas",
        "representación compacta",
        "una representación compacta de los datos",
    ),
    BookQuestion(
        "¿Cómo se muestrea de una mezcla de gaussianas?",
        _C + "bases_matematicas",
        "proceso en dos pasos",
        "primero la componente, después la gaussiana",
    ),
    BookQuestion(
        "¿Qué mide la perplejidad de un modelo de lenguaje?",
        _C + "autorregresivos",
        "el modelo «duda»",
        "entre cuántas opciones duda el modelo",
    ),
    BookQuestion(
        "¿Por qué se suaviza un modelo de bigramas?",
        _C + "autorregresivos",
        "un solo cero anula el producto",
        "para no dar probabilidad cero",
    ),
    BookQuestion(
        "¿Qué ocurre al muestrear con una temperatura muy baja?",
        _C + "autorregresivos",
        "decodificación voraz",
        "se vuelve voraz y repetitivo",
    ),
    BookQuestion(
        "¿Cómo se llama ajustar un modelo con comparaciones humanas entre respuestas?",
        _C + "modelos_fundacionales",
        "retroalimentación humana (RLHF)",
        "RLHF",
    ),
    BookQuestion(
        "¿Quién acuñó el término modelo fundacional?",
        _C + "modelos_fundacionales",
        "Bommasani",
        "Bommasani y colaboradores",
    ),
    BookQuestion(
        "¿Se conecta GPT-3 a internet cuando responde?",
        _C + "modelos_fundacionales",
        "ni se conecta a la red",
        "no",
    ),
    BookQuestion(
        "¿Qué se extrajo de GPT-2 que demuestra memorización?",
        _C + "entrenamiento",
        "fragmentos literales",
        "fragmentos literales con datos personales",
    ),
    BookQuestion(
        "¿Para qué sirve reservar un conjunto de prueba?",
        _C + "entrenamiento",
        "el conjunto de prueba (held-out)",
        "para medir si generaliza",
    ),
    BookQuestion(
        "¿Qué pérdida usan los modelos de difusión?",
        _C + "entrenamiento",
        "predecir el ruido que se añadió",
        "predecir el ruido añadido",
    ),
    BookQuestion(
        "¿Qué modelo genera series temporales sintéticas de finanzas?",
        _C + "aplicaciones",
        "TimeGAN",
        "TimeGAN",
    ),
    BookQuestion(
        "¿Son anónimos los datos sintéticos por ser sintéticos?",
        _C + "aplicaciones",
        "no son anónimos",
        "no",
    ),
    BookQuestion(
        "¿Qué dos consejos valen para todas las etapas de aprendizaje?",
        _C + "aprender",
        "programa lo que lees",
        "programar lo que lees y medir",
    ),
]
