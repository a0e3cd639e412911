"""The words of the survey pages as a reader sees them, in English and Spanish, spelled out.

The pages take them from gettext (templates/surveys/, surveys/texts.py and the Spanish catalog
locale/es/LC_MESSAGES/django.po); the tests assert on these literals, so a catalog that is
missing, stale or wrong fails them. `{n}`, `{total}`, `{item}`, `{date}` and `{max}` are filled
in by the test with str.format.
"""

from __future__ import annotations

ROLE_TEXTS: dict[str, dict[str, str]] = {
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

TEXTS: dict[str, dict[str, str]] = {
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
        "review_unanswered": "{n} statements have no answer. You can still submit.",
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
        # Staff voice (issue 16): the two open questions.
        "comments_heading": "In your own words",
        "comments_privacy": (
            "Please do not name anyone, yourself included. Your leaders read these words as you "
            "write them, kept apart from your answers (without your role, your school or the "
            "time) and in random order, once the survey has closed, and only if at least 10 "
            "staff have answered."
        ),
        "comment_proud_of_label": "What are you proud of in our personalized-learning work?",
        "comment_help_label": "What would help you most?",
        "comment_too_long": "Please keep each answer under {max} characters.",
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
        "review_unanswered": "{n} afirmaciones sin respuesta. Puede enviar de todos modos.",
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
        # Staff voice (issue 16): the two open questions.
        "comments_heading": "Con sus propias palabras",
        "comments_privacy": (
            "Por favor, no nombre a nadie, tampoco a usted. Sus líderes leen estas palabras tal "
            "como las escriba, aparte de sus respuestas (sin su rol, su escuela ni la hora) y en "
            "orden aleatorio, cuando la encuesta haya cerrado, y solo si al menos 10 personas "
            "respondieron."
        ),
        "comment_proud_of_label": (
            "¿De qué está orgulloso(a) en nuestro trabajo de aprendizaje personalizado?"
        ),
        "comment_help_label": "¿Qué le ayudaría más?",
        "comment_too_long": "Escriba menos de {max} caracteres en cada respuesta, por favor.",
    },
}
