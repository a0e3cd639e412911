"""Every word of the public survey pages, in English and Spanish.

The statements, scale and category names live in the instrument (surveys/instrument_v1.py);
everything else a respondent reads is here. Kept as plain data rather than gettext catalogs so
that the survey needs no compile step and a test can check that both languages have every key.
"""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest
from django.utils import translation

SURVEY_LANGUAGES: Final[tuple[str, ...]] = ("en", "es")
LANGUAGE_NAMES: Final[dict[str, str]] = {"en": "English", "es": "Español"}

ROLE_TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "teacher": "Teacher",
        "coach": "Instructional coach",
        "school_leader": "School leader (principal or assistant principal)",
        "technology": "Technology staff",
        "district_staff": "District office staff",
    },
    "es": {
        "teacher": "Docente",
        "coach": "Asesor(a) pedagógico(a)",
        "school_leader": "Directivo escolar (director(a) o subdirector(a))",
        "technology": "Personal de tecnología",
        "district_staff": "Personal de la oficina del distrito",
    },
}

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "page_title": "Staff survey",
        "heading": "How is personalized learning going?",
        "skip_link": "Skip to the survey",
        "language_switch_label": "Language",
        "intro_anonymous": (
            "Your answers are anonymous. We do not ask for your name or email, and we do not "
            "store your device, your network address or the time you answered: only the date."
        ),
        "intro_time": "It takes about 5 minutes: 27 short statements.",
        "intro_who_sees": (
            "District leaders see group results only, never the answers of one person, and never "
            "a group of fewer than 5 people."
        ),
        "intro_saved": (
            "Your answers are kept on this device as you go, so a lost connection or a closed tab "
            "loses nothing. They are deleted from it once you submit."
        ),
        "about_heading": "About you",
        "role_legend": "Your role",
        "required": "required",
        "optional": "optional",
        "school_label": "Your school",
        "school_none": "Prefer not to say",
        "statements_hint": "How much do you agree with each statement?",
        "progress_label": "Your progress",
        "progress_text": "{n} of {total} answered",
        "start_over": "Clear my answers",
        "start_over_confirm": "Clear every answer on this device and start again?",
        "review_button": "Review my answers",
        "error_summary_heading": "There is a problem",
        "role_required": "Choose your role to continue.",
        "no_answers": "Answer at least one statement before you continue.",
        "review_title": "Check your answers",
        "review_intro": "Nothing is sent until you press “Submit my answers”.",
        "review_unanswered": "{n} statement(s) have no answer. You can still submit.",
        "no_answer": "No answer",
        "submit_button": "Submit my answers",
        "change_button": "Change my answers",
        "role_heading": "Role",
        "school_heading": "School",
        "thanks_title": "Thank you",
        "thanks_heading": "Thank you: your answers are in.",
        "thanks_body": (
            "Your district will see them only as part of group results. You can close this page."
        ),
        "unknown_title": "Survey not found",
        "unknown_heading": "We couldn't find this survey",
        "unknown_body": (
            "The link may be mistyped or incomplete. Ask the person who shared it for the full "
            "link."
        ),
        "closed_title": "Survey closed",
        "closed_heading": "This survey has closed",
        "closed_body": "It no longer takes answers. Thank you for your interest.",
        "not_open_title": "Survey not open yet",
        "not_open_heading": "This survey is not open yet",
        "not_open_body": "It opens on {date}. Please come back then.",
        "bad_title": "Something was not right",
        "bad_heading": "We could not accept this form",
        "bad_body": "Nothing was stored. Go back to the survey and try again.",
        "back_to_survey": "Back to the survey",
        "answer_not_allowed": "The answer to statement {item} is not one of the choices.",
        "unknown_item": "The form sent an answer to a statement this survey does not have.",
        "unknown_role": "The form sent a role this survey does not have.",
        "unknown_school": "The form sent a school this district does not have.",
        "bad_submission_id": "The form was damaged in transit.",
        "used_title": "Link already used",
        "used_heading": "This personal link has already been used",
        "used_body": (
            "Each personal link answers the survey once, and this one has been used: your "
            "answers are in, thank you. If you have not answered yourself, tell the person who "
            "invited you; nothing about who answered what is kept, so they cannot look it up."
        ),
        "personal_only_title": "Personal links only",
        "personal_only_heading": "This survey is answered through personal links",
        "personal_only_body": (
            "Each member of staff received their own link by email. Open the survey from that "
            "mail; if you cannot find it, ask the person who runs the survey to send it again."
        ),
        "invitation_used": "This personal link has already been used.",
        "personal_link_required": (
            "This survey is answered through the personal link in your email."
        ),
        "answers_not_a_map": "The form was damaged in transit.",
        "too_many_requests_title": "Please wait a moment",
        "too_many_requests_body": (
            "Many answers arrived from this network at once. Wait a minute, then submit again: "
            "your answers are still here."
        ),
        "down_title": "Please try again in a moment",
        "down_heading": "We could not save your answers just now",
        "down_body": (
            "Nothing was stored yet, and your answers are still on this device. Wait a minute, "
            "then go back to the survey and submit them again."
        ),
        "footer": "Onpoint staff survey, version 1 · anonymous",
    },
    "es": {
        "page_title": "Encuesta al personal",
        "heading": "¿Cómo va el aprendizaje personalizado?",
        "skip_link": "Ir a la encuesta",
        "language_switch_label": "Idioma",
        "intro_anonymous": (
            "Sus respuestas son anónimas. No pedimos su nombre ni su correo, y no guardamos su "
            "dispositivo, su dirección de red ni la hora en que respondió: solo la fecha."
        ),
        "intro_time": "Toma unos 5 minutos: 27 afirmaciones breves.",
        "intro_who_sees": (
            "Los líderes del distrito solo ven resultados de grupos, nunca las respuestas de una "
            "persona, y nunca de un grupo de menos de 5 personas."
        ),
        "intro_saved": (
            "Sus respuestas se guardan en este dispositivo mientras responde, así que no se "
            "pierde nada si se corta la conexión o se cierra la pestaña. Se borran de él al enviar."
        ),
        "about_heading": "Sobre usted",
        "role_legend": "Su rol",
        "required": "obligatorio",
        "optional": "opcional",
        "school_label": "Su escuela",
        "school_none": "Prefiero no decirlo",
        "statements_hint": "¿Qué tan de acuerdo está con cada afirmación?",
        "progress_label": "Su avance",
        "progress_text": "{n} de {total} respondidas",
        "start_over": "Borrar mis respuestas",
        "start_over_confirm": (
            "¿Borrar todas las respuestas de este dispositivo y empezar de nuevo?"
        ),
        "review_button": "Revisar mis respuestas",
        "error_summary_heading": "Hay un problema",
        "role_required": "Elija su rol para continuar.",
        "no_answers": "Responda al menos una afirmación antes de continuar.",
        "review_title": "Revise sus respuestas",
        "review_intro": "No se envía nada hasta que pulse «Enviar mis respuestas».",
        "review_unanswered": "{n} afirmación(es) sin respuesta. Puede enviar de todos modos.",
        "no_answer": "Sin respuesta",
        "submit_button": "Enviar mis respuestas",
        "change_button": "Cambiar mis respuestas",
        "role_heading": "Rol",
        "school_heading": "Escuela",
        "thanks_title": "Gracias",
        "thanks_heading": "Gracias: recibimos sus respuestas.",
        "thanks_body": (
            "Su distrito solo las verá como parte de resultados de grupo. Ya puede cerrar esta "
            "página."
        ),
        "unknown_title": "Encuesta no encontrada",
        "unknown_heading": "No encontramos esta encuesta",
        "unknown_body": (
            "Puede que el enlace esté mal escrito o incompleto. Pida el enlace completo a quien "
            "se lo compartió."
        ),
        "closed_title": "Encuesta cerrada",
        "closed_heading": "Esta encuesta está cerrada",
        "closed_body": "Ya no recibe respuestas. Gracias por su interés.",
        "not_open_title": "Encuesta aún no abierta",
        "not_open_heading": "Esta encuesta aún no está abierta",
        "not_open_body": "Abre el {date}. Vuelva entonces, por favor.",
        "bad_title": "Algo no estaba bien",
        "bad_heading": "No pudimos aceptar este formulario",
        "bad_body": "No se guardó nada. Vuelva a la encuesta e inténtelo de nuevo.",
        "back_to_survey": "Volver a la encuesta",
        "answer_not_allowed": "La respuesta a la afirmación {item} no es una de las opciones.",
        "unknown_item": "El formulario envió una respuesta a una afirmación que no existe.",
        "unknown_role": "El formulario envió un rol que no existe en esta encuesta.",
        "unknown_school": "El formulario envió una escuela que no es de este distrito.",
        "bad_submission_id": "El formulario se dañó durante el envío.",
        "used_title": "Enlace ya utilizado",
        "used_heading": "Este enlace personal ya se utilizó",
        "used_body": (
            "Cada enlace personal responde la encuesta una vez, y este ya se utilizó: sus "
            "respuestas están guardadas, gracias. Si usted no respondió, avise a quien le invitó; "
            "no se guarda nada que una a las personas con sus respuestas, así que no pueden "
            "buscarlo."
        ),
        "personal_only_title": "Solo enlaces personales",
        "personal_only_heading": "Esta encuesta se responde con enlaces personales",
        "personal_only_body": (
            "Cada persona del personal recibió su propio enlace por correo. Abra la encuesta "
            "desde ese correo; si no lo encuentra, pida a quien organiza la encuesta que se lo "
            "envíe de nuevo."
        ),
        "invitation_used": "Este enlace personal ya se utilizó.",
        "personal_link_required": "Esta encuesta se responde con el enlace personal de su correo.",
        "answers_not_a_map": "El formulario se dañó durante el envío.",
        "too_many_requests_title": "Espere un momento",
        "too_many_requests_body": (
            "Llegaron muchas respuestas desde esta red a la vez. Espere un minuto y vuelva a "
            "enviar: sus respuestas siguen aquí."
        ),
        "down_title": "Inténtelo de nuevo en un momento",
        "down_heading": "No pudimos guardar sus respuestas en este momento",
        "down_body": (
            "Todavía no se guardó nada, y sus respuestas siguen en este dispositivo. Espere un "
            "minuto, vuelva a la encuesta y envíelas de nuevo."
        ),
        "footer": "Encuesta al personal Onpoint, versión 1 · anónima",
    },
}


def survey_language(request: HttpRequest) -> str:
    """The survey's language: the visible switch (?lang=) first, else the browser's language."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in SURVEY_LANGUAGES:
        return chosen
    preferred = translation.get_language_from_request(request)
    return "es" if preferred and preferred.lower().startswith("es") else "en"
