"""Every string the web page shows, one dictionary per language (Dutch first: the default).

Kept in one module, with the same keys in every language, so that the message catalogue of
the coordinator issue can take them over whole; ``tests/web/test_i18n.py`` fails when a key
exists in one language only. Values are ``str.format`` templates: ``{n}``, ``{mb}`` ...
Messages that come from the workbook reader (what is wrong in a cell) are in English until
that catalogue exists.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "nl"

NL: dict[str, str] = {
    "replan_task_title": "Het herplande rooster",
    "replan_title": "Opnieuw plannen",
    "replan_intro": "Upload het lesrooster dat nu gebruikt wordt en kies vanaf welke datum het "
    "nieuwe rooster geldt. Wie al in een groep zit, houdt zijn plaats; nieuwkomers krijgen vrije "
    "plaatsen.",
    "replan_date": "Eerste dag van het nieuwe rooster",
    "replan_allow_moves": "Groepen en lessen mogen verschuiven als dat meer cursisten een plaats "
    "geeft",
    "replan_file": "Het huidige lesrooster (.xlsx)",
    "replan_button": "Opnieuw plannen",
    "replan_changes": "Wijzigingen ({n})",
    "replan_changes_first": "De eerste {n} worden getoond; het gedownloade rooster heeft ze "
    "allemaal (tabblad Changes).",
    "replan_refused": "Niet opnieuw gepland: {error}",
    "change_kind": "Soort",
    "change_who": "Wie",
    "change_group": "Groep",
    "change_before": "Voor",
    "change_after": "Na",
    "change_why": "Waarom",
    "download_replan": "Herpland lesrooster (Excel)",
    "no_timetable_file": "Kies eerst het huidige lesrooster (.xlsx).",
    "bad_date": "Kies een geldige datum.",
    "app_title": "Lesrooster voor gevangenisonderwijs",
    "language": "Taal",
    "intro": "Sleep het werkboek van een trimester hierheen (of kies het). Het programma "
    "controleert het, maakt de groepen en plant elke les, elk intakegesprek en elke "
    "internetbeurt. Daarna download je het lesrooster om af te drukken.",
    "drop_here": "Sleep een werkboek (.xlsx) hierheen",
    "choose_file": "Kies een bestand",
    "check_button": "Werkboek controleren",
    "max_size": "Ten hoogste {mb} MB.",
    "uploading": "Bezig met uploaden…",
    "start_here": "Nog geen werkboek?",
    "download_template": "Leeg werkboek om in te vullen",
    "download_example": "Voorbeeldtrimester ({profile})",
    "template_hint": "Vul het lege werkboek in Excel in; het tabblad About legt elke kolom uit.",
    "too_large": "Dit bestand is te groot: een werkboek mag ten hoogste {mb} MB groot zijn. "
    "Verwijder afbeeldingen en ongebruikte tabbladen en probeer opnieuw.",
    "no_file": "Kies eerst een werkboek (.xlsx).",
    "back": "Terug naar het begin",
    "upload_other": "Een ander werkboek controleren",
    "not_found": "Deze taak bestaat niet (meer). Taken worden na {hours} uur gewist, en bij "
    "het herstarten van de server.",
    "forbidden": "Geen toegang: open de pagina via de link met het toegangsbewijs (token) die "
    "de server toonde bij het starten.",
    "workbook": "Werkboek",
    "checking": "Het werkboek wordt gecontroleerd…",
    "unreadable": "Dit bestand kan niet als werkboek gelezen worden.",
    "check_timeout": "Het lezen van dit bestand duurde langer dan {seconds} seconden en werd "
    "gestopt. Sla het werkboek opnieuw op in Excel (.xlsx) zonder afbeeldingen en probeer opnieuw.",
    "check_failed": "Het werkboek kon niet gecontroleerd worden ({error}). Dit is een fout in "
    "het programma; meld ze met het werkboek.",
    "problems_title_one": "1 probleem om te verbeteren",
    "problems_title_many": "{n} problemen om te verbeteren",
    "problems_intro": "Verbeter deze cellen in Excel, sla het werkboek op en laad het opnieuw op.",
    "warnings_title_one": "1 waarschuwing: toegelaten, maar kijk ze na",
    "warnings_title_many": "{n} waarschuwingen: toegelaten, maar kijk ze na",
    "col_sheet": "Tabblad",
    "col_row": "Rij",
    "col_column": "Kolom",
    "col_message": "Wat te doen",
    "valid": "Het werkboek is in orde.",
    "fact_prison": "Gevangenis",
    "fact_term": "Trimester",
    "fact_term_value": "{start} tot {end} ({weeks} weken)",
    "fact_learners": "Leerlingen",
    "fact_courses": "Cursussen",
    "fact_staff": "Personeel",
    "fact_rooms": "Lokalen",
    "fact_scenarios": "Scenario's",
    "solve_title": "Lesrooster maken",
    "solve_task_title": "Het lesrooster",
    "compare_task_title": "De vergelijking",
    "time_limit": "Rekentijd (seconden)",
    "time_limit_hint": "Langer rekenen geeft een beter rooster; het werkboek stelt {seconds} s "
    "voor.",
    "solve_button": "Rooster maken",
    "compare_title": "Scenario's vergelijken",
    "compare_intro": "Wat als er een lokaal bijkomt, of een leerkracht ook op vrijdag kan komen? "
    "Kies de scenario's van het tabblad Scenarios; elk wordt naast het werkboek zoals het is "
    "gezet.",
    "time_limit_each": "Rekentijd per scenario (seconden)",
    "compare_button": "Vergelijken",
    "no_scenarios_chosen": "Kies minstens één scenario.",
    "bad_time_limit": "Geef een rekentijd tussen {low} en {high} seconden.",
    "busy": "Deze taak is al bezig; wacht tot ze klaar is of annuleer ze.",
    "state_queued": "In de wachtrij: plaats {position}. Eén berekening tegelijk; deze start "
    "zodra de vorige klaar is.",
    "state_running": "Bezig met rekenen…",
    "state_done": "Klaar.",
    "state_failed": "Mislukt.",
    "state_cancelled": "Geannuleerd: er werd niets bewaard.",
    "cancel_button": "Annuleren",
    "elapsed": "Verstreken",
    "objective": "Doelwaarde",
    "gap": "Afstand tot de grens",
    "placed": "Plaatsen toegekend",
    "solves_done": "Berekeningen klaar",
    "seconds": "{value} s",
    "no_timetable_infeasible": "Er bestaat geen rooster: de harde regels kunnen niet samen gelden.",
    "no_timetable_time": "Geen rooster gevonden binnen {seconds} s; probeer een langere rekentijd.",
    "verify_failed": "Het rooster van de rekenmachine breekt harde regels en werd niet bewaard. "
    "Dit is een fout in het programma; meld ze met het werkboek.",
    "task_failed": "De berekening is onverwacht gestopt ({error}). Dit is een fout in het "
    "programma; meld ze met het werkboek.",
    "result_status": "Resultaat",
    "status_optimal": "het beste rooster (bewezen)",
    "status_feasible": "het beste rooster gevonden binnen de rekentijd",
    "result_time": "Rekentijd",
    "result_groups": "Groepen",
    "result_groups_value": "{groups} groepen, {sessions} lessen per week",
    "result_kind": "{kind}",
    "result_kind_value": "{placed} van {asked} leerlingen geplaatst",
    "result_intakes": "Intakes",
    "result_intakes_value": "{held} van {asked} gehouden",
    "result_internet": "Internet",
    "result_internet_value": "{booked} van {asked} lesuren per week geboekt",
    "result_verifier": "Controle",
    "result_verifier_ok": "elke harde regel is nagekeken en klopt",
    "downloads": "Downloaden",
    "download_timetable": "Lesrooster (Excel)",
    "download_calendars": "Agenda's van het personeel (zip met .ics)",
    "download_registers": "Aanwezigheidsregisters, eerste vier weken (Excel)",
    "registers_failed": "De registers konden niet gemaakt worden: {error}",
    "download_comparison": "Vergelijking (Excel)",
    "download_comparison_zip": "Vergelijking met alle roosters (zip)",
    "print_hint": "Open het lesrooster in Excel en druk het tabblad Sections af: één pagina per "
    "afdeling, om uit te hangen.",
    "calendars_failed": "De agenda's konden niet gemaakt worden: {error}",
    "calendars_none": "Er zijn geen agenda's: niemand van het personeel heeft lessen of intakes.",
    "summary_title": "Samenvatting",
    "col_scenario": "Scenario",
    "col_status": "Status",
    "col_learners_placed": "Leerlingen geplaatst",
    "col_vs_base": "t.o.v. basis",
    "col_courses_placed": "Cursusplaatsen",
    "col_moved": "Lessen verschoven",
    "col_changes": "Wijzigingen",
    "col_note": "Opmerking",
    "chart_title": "Leerlingen geplaatst per scenario",
    "footer": "Alles blijft op deze computer; bestanden worden na {hours} uur gewist.",
}

EN: dict[str, str] = {
    "replan_task_title": "The re-planned timetable",
    "replan_title": "Re-plan",
    "replan_intro": "Upload the timetable in use and choose the date the new timetable starts. "
    "Learners already in a group keep their place; new arrivals take free seats.",
    "replan_date": "First day of the new timetable",
    "replan_allow_moves": "Groups and sessions may move when that places more learners",
    "replan_file": "The timetable in use (.xlsx)",
    "replan_button": "Re-plan",
    "replan_changes": "Changes ({n})",
    "replan_changes_first": "The first {n} are shown; the downloaded timetable has them all "
    "(Changes sheet).",
    "replan_refused": "Not re-planned: {error}",
    "change_kind": "Kind",
    "change_who": "Who",
    "change_group": "Group",
    "change_before": "Before",
    "change_after": "After",
    "change_why": "Why",
    "download_replan": "Re-planned timetable (Excel)",
    "no_timetable_file": "Choose the timetable in use (.xlsx) first.",
    "bad_date": "Choose a valid date.",
    "app_title": "Timetables for prison education",
    "language": "Language",
    "intro": "Drop a term workbook here (or choose it). The program checks it, forms the groups "
    "and places every session, intake interview and internet booking. Then you download the "
    "timetable to print.",
    "drop_here": "Drop a workbook (.xlsx) here",
    "choose_file": "Choose a file",
    "check_button": "Check the workbook",
    "max_size": "At most {mb} MB.",
    "uploading": "Uploading…",
    "start_here": "No workbook yet?",
    "download_template": "Blank workbook to fill in",
    "download_example": "Example term ({profile})",
    "template_hint": "Fill in the blank workbook in Excel; its About sheet explains every column.",
    "too_large": "This file is too large: a workbook may be at most {mb} MB. Remove "
    "pictures and unused sheets and try again.",
    "no_file": "Choose a workbook (.xlsx) first.",
    "back": "Back to the start",
    "upload_other": "Check another workbook",
    "not_found": "This job does not exist (any more). Jobs are deleted after {hours} hours, and "
    "when the server restarts.",
    "forbidden": "No access: open the page through the link with the token that the server "
    "showed when it started.",
    "workbook": "Workbook",
    "checking": "Checking the workbook…",
    "unreadable": "This file cannot be read as a workbook.",
    "check_timeout": "Reading this file took longer than {seconds} seconds and was stopped. Save "
    "the workbook again in Excel (.xlsx) without pictures and try again.",
    "check_failed": "The workbook could not be checked ({error}). This is a bug in the program; "
    "please report it with the workbook.",
    "problems_title_one": "1 problem to correct",
    "problems_title_many": "{n} problems to correct",
    "problems_intro": "Correct these cells in Excel, save the workbook and upload it again.",
    "warnings_title_one": "1 warning: allowed, but check it",
    "warnings_title_many": "{n} warnings: allowed, but check them",
    "col_sheet": "Sheet",
    "col_row": "Row",
    "col_column": "Column",
    "col_message": "What to do",
    "valid": "The workbook is valid.",
    "fact_prison": "Prison",
    "fact_term": "Term",
    "fact_term_value": "{start} to {end} ({weeks} weeks)",
    "fact_learners": "Learners",
    "fact_courses": "Courses",
    "fact_staff": "Staff",
    "fact_rooms": "Rooms",
    "fact_scenarios": "Scenarios",
    "solve_title": "Make the timetable",
    "solve_task_title": "The timetable",
    "compare_task_title": "The comparison",
    "time_limit": "Time limit (seconds)",
    "time_limit_hint": "A longer search gives a better timetable; the workbook suggests {seconds} "
    "s.",
    "solve_button": "Make the timetable",
    "compare_title": "Compare scenarios",
    "compare_intro": "What if there is one more classroom, or a teacher can also come on Fridays? "
    "Pick scenarios from the Scenarios sheet; each is set beside the workbook as it is.",
    "time_limit_each": "Time limit per scenario (seconds)",
    "compare_button": "Compare",
    "no_scenarios_chosen": "Pick at least one scenario.",
    "bad_time_limit": "Give a time limit between {low} and {high} seconds.",
    "busy": "This job is already running; wait until it is done or cancel it.",
    "state_queued": "Queued: position {position}. One solve at a time; this one starts as soon "
    "as the one before it is done.",
    "state_running": "Solving…",
    "state_done": "Done.",
    "state_failed": "Failed.",
    "state_cancelled": "Cancelled: nothing was kept.",
    "cancel_button": "Cancel",
    "elapsed": "Elapsed",
    "objective": "Objective",
    "gap": "Gap to the bound",
    "placed": "Places given",
    "solves_done": "Solves done",
    "seconds": "{value} s",
    "no_timetable_infeasible": "No timetable exists: the hard rules cannot all hold.",
    "no_timetable_time": "No timetable found within {seconds} s; try a longer time limit.",
    "verify_failed": "The solver's timetable breaks hard rules, so it was not kept. This is a bug "
    "in the program; please report it with the workbook.",
    "task_failed": "The solve stopped unexpectedly ({error}). This is a bug in the program; "
    "please report it with the workbook.",
    "result_status": "Result",
    "status_optimal": "the best timetable (proven)",
    "status_feasible": "the best timetable found in the time limit",
    "result_time": "Time",
    "result_groups": "Groups",
    "result_groups_value": "{groups} groups, {sessions} weekly sessions",
    "result_kind": "{kind}",
    "result_kind_value": "{placed} of {asked} learners placed",
    "result_intakes": "Intakes",
    "result_intakes_value": "{held} of {asked} held",
    "result_internet": "Internet",
    "result_internet_value": "{booked} of {asked} weekly periods booked",
    "result_verifier": "Verifier",
    "result_verifier_ok": "every hard rule was checked again and holds",
    "downloads": "Downloads",
    "download_timetable": "Timetable (Excel)",
    "download_calendars": "Staff calendars (zip of .ics files)",
    "download_registers": "Attendance registers, first four weeks (Excel)",
    "registers_failed": "The registers could not be made: {error}",
    "download_comparison": "Comparison (Excel)",
    "download_comparison_zip": "Comparison with every timetable (zip)",
    "print_hint": "Open the timetable in Excel and print its Sections sheet: one page per wing, "
    "for the notice board.",
    "calendars_failed": "The calendars could not be made: {error}",
    "calendars_none": "There are no calendars: no staff member has sessions or intakes.",
    "summary_title": "Summary",
    "col_scenario": "Scenario",
    "col_status": "Status",
    "col_learners_placed": "Learners placed",
    "col_vs_base": "vs base",
    "col_courses_placed": "Learner-courses placed",
    "col_moved": "Sessions moved",
    "col_changes": "Changes",
    "col_note": "Note",
    "chart_title": "Learners placed per scenario",
    "footer": "Everything stays on this computer; files are deleted after {hours} hours.",
}

FR: dict[str, str] = {
    "replan_task_title": "L'horaire replanifié",
    "replan_title": "Replanifier",
    "replan_intro": "Envoyez l'horaire en vigueur et choisissez la date à partir de laquelle le "
    "nouvel horaire s'applique. Les apprenants déjà dans un groupe gardent leur place ; les "
    "nouveaux prennent les places libres.",
    "replan_date": "Premier jour du nouvel horaire",
    "replan_allow_moves": "Les groupes et les cours peuvent bouger si cela place plus d'apprenants",
    "replan_file": "L'horaire en vigueur (.xlsx)",
    "replan_button": "Replanifier",
    "replan_changes": "Changements ({n})",
    "replan_changes_first": "Les {n} premiers sont affichés ; l'horaire téléchargé les contient "
    "tous (onglet Changes).",
    "replan_refused": "Pas de replanification : {error}",
    "change_kind": "Type",
    "change_who": "Qui",
    "change_group": "Groupe",
    "change_before": "Avant",
    "change_after": "Après",
    "change_why": "Pourquoi",
    "download_replan": "Horaire replanifié (Excel)",
    "no_timetable_file": "Choisissez d'abord l'horaire en vigueur (.xlsx).",
    "bad_date": "Choisissez une date valide.",
    "app_title": "Horaires pour l'enseignement en prison",
    "language": "Langue",
    "intro": "Déposez ici le classeur d'un trimestre (ou choisissez-le). Le programme le "
    "vérifie, forme les groupes et place chaque cours, chaque entretien d'accueil et chaque "
    "réservation internet. Ensuite vous téléchargez l'horaire à imprimer.",
    "drop_here": "Déposez un classeur (.xlsx) ici",
    "choose_file": "Choisir un fichier",
    "check_button": "Vérifier le classeur",
    "max_size": "Au plus {mb} Mo.",
    "uploading": "Envoi en cours…",
    "start_here": "Pas encore de classeur ?",
    "download_template": "Classeur vierge à remplir",
    "download_example": "Trimestre d'exemple ({profile})",
    "template_hint": "Remplissez le classeur vierge dans Excel ; sa feuille About explique "
    "chaque colonne.",
    "too_large": "Ce fichier est trop grand : un classeur peut faire au plus {mb} Mo. "
    "Supprimez les images et les feuilles inutilisées et réessayez.",
    "no_file": "Choisissez d'abord un classeur (.xlsx).",
    "back": "Retour au début",
    "upload_other": "Vérifier un autre classeur",
    "not_found": "Cette tâche n'existe pas (ou plus). Les tâches sont effacées après {hours} "
    "heures, et au redémarrage du serveur.",
    "forbidden": "Accès refusé : ouvrez la page par le lien avec le jeton (token) que le serveur "
    "a affiché au démarrage.",
    "workbook": "Classeur",
    "checking": "Vérification du classeur…",
    "unreadable": "Ce fichier ne peut pas être lu comme un classeur.",
    "check_timeout": "La lecture de ce fichier a pris plus de {seconds} secondes et a été "
    "arrêtée. Enregistrez le classeur à nouveau dans Excel (.xlsx) sans images et réessayez.",
    "check_failed": "Le classeur n'a pas pu être vérifié ({error}). C'est une erreur du "
    "programme ; signalez-la avec le classeur.",
    "problems_title_one": "1 problème à corriger",
    "problems_title_many": "{n} problèmes à corriger",
    "problems_intro": "Corrigez ces cellules dans Excel, enregistrez le classeur et envoyez-le "
    "à nouveau.",
    "warnings_title_one": "1 avertissement : permis, mais à vérifier",
    "warnings_title_many": "{n} avertissements : permis, mais à vérifier",
    "col_sheet": "Feuille",
    "col_row": "Ligne",
    "col_column": "Colonne",
    "col_message": "Que faire",
    "valid": "Le classeur est correct.",
    "fact_prison": "Prison",
    "fact_term": "Trimestre",
    "fact_term_value": "du {start} au {end} ({weeks} semaines)",
    "fact_learners": "Apprenants",
    "fact_courses": "Cours",
    "fact_staff": "Personnel",
    "fact_rooms": "Locaux",
    "fact_scenarios": "Scénarios",
    "solve_title": "Faire l'horaire",
    "solve_task_title": "L'horaire",
    "compare_task_title": "La comparaison",
    "time_limit": "Temps de calcul (secondes)",
    "time_limit_hint": "Un calcul plus long donne un meilleur horaire ; le classeur propose "
    "{seconds} s.",
    "solve_button": "Faire l'horaire",
    "compare_title": "Comparer des scénarios",
    "compare_intro": "Et s'il y avait un local de plus, ou si un enseignant pouvait venir aussi "
    "le vendredi ? Choisissez des scénarios de la feuille Scenarios ; chacun est placé à côté "
    "du classeur tel quel.",
    "time_limit_each": "Temps de calcul par scénario (secondes)",
    "compare_button": "Comparer",
    "no_scenarios_chosen": "Choisissez au moins un scénario.",
    "bad_time_limit": "Donnez un temps de calcul entre {low} et {high} secondes.",
    "busy": "Cette tâche est déjà en cours ; attendez la fin ou annulez-la.",
    "state_queued": "En file d'attente : position {position}. Un calcul à la fois ; celui-ci "
    "démarre dès que le précédent est terminé.",
    "state_running": "Calcul en cours…",
    "state_done": "Terminé.",
    "state_failed": "Échec.",
    "state_cancelled": "Annulé : rien n'a été gardé.",
    "cancel_button": "Annuler",
    "elapsed": "Écoulé",
    "objective": "Objectif",
    "gap": "Écart à la borne",
    "placed": "Places attribuées",
    "solves_done": "Calculs terminés",
    "seconds": "{value} s",
    "no_timetable_infeasible": "Aucun horaire n'existe : les règles strictes ne peuvent pas "
    "toutes être respectées.",
    "no_timetable_time": "Aucun horaire trouvé en {seconds} s ; essayez un temps de calcul plus "
    "long.",
    "verify_failed": "L'horaire du solveur enfreint des règles strictes et n'a pas été gardé. "
    "C'est une erreur du programme ; signalez-la avec le classeur.",
    "task_failed": "Le calcul s'est arrêté de façon inattendue ({error}). C'est une erreur du "
    "programme ; signalez-la avec le classeur.",
    "result_status": "Résultat",
    "status_optimal": "le meilleur horaire (prouvé)",
    "status_feasible": "le meilleur horaire trouvé dans le temps de calcul",
    "result_time": "Temps",
    "result_groups": "Groupes",
    "result_groups_value": "{groups} groupes, {sessions} cours par semaine",
    "result_kind": "{kind}",
    "result_kind_value": "{placed} apprenants placés sur {asked}",
    "result_intakes": "Entretiens d'accueil",
    "result_intakes_value": "{held} tenus sur {asked}",
    "result_internet": "Internet",
    "result_internet_value": "{booked} périodes réservées par semaine sur {asked}",
    "result_verifier": "Vérification",
    "result_verifier_ok": "chaque règle stricte a été revérifiée et est respectée",
    "downloads": "Téléchargements",
    "download_timetable": "Horaire (Excel)",
    "download_calendars": "Agendas du personnel (zip de fichiers .ics)",
    "download_registers": "Registres de présence, quatre premières semaines (Excel)",
    "registers_failed": "Les registres n'ont pas pu être faits : {error}",
    "download_comparison": "Comparaison (Excel)",
    "download_comparison_zip": "Comparaison avec tous les horaires (zip)",
    "print_hint": "Ouvrez l'horaire dans Excel et imprimez sa feuille Sections : une page par "
    "section, pour le panneau d'affichage.",
    "calendars_failed": "Les agendas n'ont pas pu être faits : {error}",
    "calendars_none": "Pas d'agendas : aucun membre du personnel n'a de cours ni d'entretiens.",
    "summary_title": "Résumé",
    "col_scenario": "Scénario",
    "col_status": "Statut",
    "col_learners_placed": "Apprenants placés",
    "col_vs_base": "par rapport à la base",
    "col_courses_placed": "Places de cours",
    "col_moved": "Cours déplacés",
    "col_changes": "Changements",
    "col_note": "Remarque",
    "chart_title": "Apprenants placés par scénario",
    "footer": "Tout reste sur cet ordinateur ; les fichiers sont effacés après {hours} heures.",
}

STRINGS: dict[str, dict[str, str]] = {"nl": NL, "en": EN, "fr": FR}
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "en": "English", "fr": "Français"}


def language(requested: str | None) -> str:
    """``requested`` when it is a language of the page, else the default (Dutch)."""
    return requested if requested in STRINGS else DEFAULT_LANGUAGE


def translator(lang: str):
    """``t(key, **values)`` for ``lang``: the string, with ``values`` filled in. With ``n``
    given and no ``key`` of its own, ``key_one`` (n = 1) or ``key_many`` is used."""
    table = STRINGS[language(lang)]

    def t(key: str, **values: object) -> str:
        if key not in table and "n" in values:
            key = f"{key}_one" if values["n"] == 1 else f"{key}_many"
        text = table[key]
        return text.format(**values) if values else text

    return t
