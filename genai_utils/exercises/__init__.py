"""Ejercicios del libro: comprobadores que dan una respuesta amable en español.

Cada capítulo tiene su módulo (``genai_utils.exercises.conceptos`` para el capítulo 1…). Los
comprobadores nunca lanzan excepciones por culpa de la solución del lector: devuelven un
:class:`Feedback` que el cuaderno muestra como «✅ ¡Correcto!» o «❌ Todavía no: …».
"""

from genai_utils.exercises.core import Feedback, check_choice_answer, check_function, close

__all__ = ["Feedback", "check_choice_answer", "check_function", "close"]
