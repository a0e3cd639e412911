"""The Onpoint staff survey, version 1, as plain data (method section 1).

27 statements, three per dimension, nine dimensions in four categories, in English and Spanish.
This is the exact `definition` stored in the Instrument row of version 1 (see
`surveys.selectors.instrument_current`). Once a campaign has used it, the stored row cannot
change (a database trigger refuses it), so an edit here never rewrites past answers: a new
wording is a new version.

Item codes are `<dimension>_<1..3>`; the only reverse-coded item is `buy_in_3` (agreement with
"just another district initiative" is bad). Each statement is one idea, in plain words.
"""

from __future__ import annotations

from typing import Any, Final

VERSION: Final = "1"
LANGUAGES: Final[tuple[str, ...]] = ("en", "es")

_CATEGORIES: Final[list[dict[str, Any]]] = [
    {
        "key": "strategy",
        "label": {"en": "Strategy Communication", "es": "Comunicación de la estrategia"},
        "dimensions": ["vision", "plan"],
    },
    {
        "key": "operations",
        "label": {"en": "Operations", "es": "Operaciones"},
        "dimensions": ["devices_tools", "it_support"],
    },
    {
        "key": "design",
        "label": {"en": "Instructional Design", "es": "Diseño de la enseñanza"},
        "dimensions": ["teacher_role", "student_role"],
    },
    {
        "key": "culture",
        "label": {"en": "Culture of Innovation", "es": "Cultura de innovación"},
        "dimensions": ["buy_in", "risk_taking", "supportive"],
    },
]

_SCALE: Final[list[dict[str, Any]]] = [
    {"value": 1, "label": {"en": "Strongly disagree", "es": "Totalmente en desacuerdo"}},
    {"value": 2, "label": {"en": "Disagree", "es": "En desacuerdo"}},
    {
        "value": 3,
        "label": {"en": "Neither agree nor disagree", "es": "Ni de acuerdo ni en desacuerdo"},
    },
    {"value": 4, "label": {"en": "Agree", "es": "De acuerdo"}},
    {"value": 5, "label": {"en": "Strongly agree", "es": "Totalmente de acuerdo"}},
]

_NO_ANSWER_LABEL: Final = {"en": "Don't know / not applicable", "es": "No sé / no aplica"}

# (code, reverse_coded, English, Spanish), in the method's order of dimensions.
_STATEMENTS: Final[list[tuple[str, bool, str, str]]] = [
    # vision: staff know *why* the district is personalizing learning
    (
        "vision_1",
        False,
        "I understand why our district is moving to personalized learning.",
        "Entiendo por qué nuestro distrito está adoptando el aprendizaje personalizado.",
    ),
    (
        "vision_2",
        False,
        "I could explain to a family why personalized learning matters for our students.",
        "Podría explicarle a una familia por qué el aprendizaje personalizado es importante "
        "para nuestros estudiantes.",
    ),
    (
        "vision_3",
        False,
        "District leaders have clearly shared the vision for personalized learning.",
        "Los líderes del distrito han compartido con claridad la visión del aprendizaje "
        "personalizado.",
    ),
    # plan: staff know *how*: the plan, the timeline, their own role in it
    (
        "plan_1",
        False,
        "I know our district's plan for putting personalized learning in place.",
        "Conozco el plan de nuestro distrito para poner en marcha el aprendizaje personalizado.",
    ),
    (
        "plan_2",
        False,
        "I know the timeline for the next steps of this work.",
        "Conozco el calendario de los próximos pasos de este trabajo.",
    ),
    (
        "plan_3",
        False,
        "I understand my own role in our district's plan.",
        "Entiendo cuál es mi papel en el plan de nuestro distrito.",
    ),
    # devices_tools: devices and digital tools are there and fit instruction
    (
        "devices_tools_1",
        False,
        "Students have the devices they need when they need them.",
        "Los estudiantes tienen los dispositivos que necesitan cuando los necesitan.",
    ),
    (
        "devices_tools_2",
        False,
        "The digital tools we have fit the teaching in our classrooms.",
        "Las herramientas digitales que tenemos se ajustan a la enseñanza en nuestras aulas.",
    ),
    (
        "devices_tools_3",
        False,
        "I have the digital tools I need to personalize learning.",
        "Tengo las herramientas digitales que necesito para personalizar el aprendizaje.",
    ),
    # it_support: technical support is quick and dependable
    (
        "it_support_1",
        False,
        "When technology breaks, it gets fixed quickly.",
        "Cuando la tecnología falla, se arregla rápidamente.",
    ),
    (
        "it_support_2",
        False,
        "I can count on technical support when I need it.",
        "Puedo contar con el apoyo técnico cuando lo necesito.",
    ),
    (
        "it_support_3",
        False,
        "Technology problems rarely stop learning in our classrooms.",
        "Los problemas técnicos rara vez interrumpen el aprendizaje en nuestras aulas.",
    ),
    # teacher_role: teachers target instruction to specific student needs and goals
    (
        "teacher_role_1",
        False,
        "Teachers use data to target instruction to each student's needs.",
        "Los docentes usan datos para ajustar la enseñanza a las necesidades de cada estudiante.",
    ),
    (
        "teacher_role_2",
        False,
        "Teachers often work with small groups or single students on specific goals.",
        "Los docentes trabajan a menudo con grupos pequeños o con un solo estudiante en metas "
        "concretas.",
    ),
    (
        "teacher_role_3",
        False,
        "Teachers change their lessons when students show they need something different.",
        "Los docentes cambian sus clases cuando los estudiantes muestran que necesitan algo "
        "diferente.",
    ),
    # student_role: students reflect, set goals, make choices about path and pace
    (
        "student_role_1",
        False,
        "Students set their own learning goals.",
        "Los estudiantes fijan sus propias metas de aprendizaje.",
    ),
    (
        "student_role_2",
        False,
        "Students reflect on their progress and decide what to do next.",
        "Los estudiantes reflexionan sobre su progreso y deciden qué hacer después.",
    ),
    (
        "student_role_3",
        False,
        "Students make choices about how and at what pace they learn.",
        "Los estudiantes eligen cómo aprenden y a qué ritmo.",
    ),
    # buy_in: staff believe in personalized learning and are committed to it
    (
        "buy_in_1",
        False,
        "I believe personalized learning is good for our students.",
        "Creo que el aprendizaje personalizado es bueno para nuestros estudiantes.",
    ),
    (
        "buy_in_2",
        False,
        "I am committed to making personalized learning work in my school.",
        "Tengo el compromiso de hacer que el aprendizaje personalizado funcione en mi escuela.",
    ),
    (
        "buy_in_3",
        True,  # agreement is bad: the one reverse-coded item of version 1
        "Personalized learning feels like just another district initiative.",
        "El aprendizaje personalizado parece solo una iniciativa más del distrito.",
    ),
    # risk_taking: people try new things and mistakes are treated as learning
    (
        "risk_taking_1",
        False,
        "I feel free to try new ways of teaching.",
        "Me siento con libertad para probar nuevas formas de enseñar.",
    ),
    (
        "risk_taking_2",
        False,
        "Here, mistakes are treated as a chance to learn.",
        "Aquí, los errores se ven como una oportunidad para aprender.",
    ),
    (
        "risk_taking_3",
        False,
        "Staff share what they try, including what did not work.",
        "El personal comparte lo que prueba, incluso lo que no funcionó.",
    ),
    # supportive: the working environment is positive and supportive
    (
        "supportive_1",
        False,
        "My school is a positive place to work.",
        "Mi escuela es un lugar positivo para trabajar.",
    ),
    (
        "supportive_2",
        False,
        "I get the support I need from my colleagues.",
        "Recibo de mis colegas el apoyo que necesito.",
    ),
    (
        "supportive_3",
        False,
        "Leaders listen to staff concerns.",
        "Los líderes escuchan las inquietudes del personal.",
    ),
]


def _dimension_of(code: str) -> str:
    return code.rsplit("_", 1)[0]


def _category_of(dimension: str) -> str:
    key: str = next(c["key"] for c in _CATEGORIES if dimension in c["dimensions"])
    return key


DEFINITION: Final[dict[str, Any]] = {
    "version": VERSION,
    "languages": list(LANGUAGES),
    "scale": _SCALE,
    "no_answer_label": _NO_ANSWER_LABEL,
    "categories": _CATEGORIES,
    "items": [
        {
            "code": code,
            "dimension": _dimension_of(code),
            "category": _category_of(_dimension_of(code)),
            "reverse_coded": reverse_coded,
            "text": {"en": english, "es": spanish},
        }
        for code, reverse_coded, english, spanish in _STATEMENTS
    ],
}

ITEM_CODES: Final[tuple[str, ...]] = tuple(item["code"] for item in DEFINITION["items"])
