"""Seed version 1 of every guidance text and of the contacts, in French, Dutch and English.

The texts are copied here (not imported) so that this migration gives the same rows forever,
whatever later changes to ``balise.detection.defaults``.
"""

from django.db import migrations

SEED = {'contacts': {'en': 'Emergencies | 112 | Immediate danger, day and night\n'
                    'Police | 101 | Report a situation or ask for police help\n'
                    'Child Focus | 116 000 | Missing or sexually exploited children; advice for '
                    'professionals, free, 24/7\n'
                    'Youth aid service (SAJ) of the arrondissement | | The service of the '
                    'arrondissement where the child lives\n'
                    "Prosecutor's office, youth section | | The public prosecutor of the judicial "
                    'arrondissement, for serious danger\n'
                    'Sexual assault care centre (CPVS) | | Care, forensic examination and '
                    'complaint in one place, day and night\n'
                    '103 Écoute-Enfants | 103 | Listening line for children and young people '
                    '(French-speaking)\n'
                    'Awel | 102 | Listening line for children and young people (Dutch-speaking)',
              'fr': 'Urgences | 112 | Danger immédiat, jour et nuit\n'
                    "Police | 101 | Signaler une situation ou demander l'intervention de la "
                    'police\n'
                    'Child Focus | 116 000 | Enfants disparus ou exploités sexuellement ; conseil '
                    'aux professionnels, gratuit, 24 h/24\n'
                    "Service de l'aide à la jeunesse (SAJ) de l'arrondissement | | Le service de "
                    "l'arrondissement où vit l'enfant\n"
                    "Parquet, section jeunesse | | Le procureur du Roi de l'arrondissement "
                    'judiciaire, en cas de danger grave\n'
                    'Centre de prise en charge des violences sexuelles (CPVS) | | Soins, examen '
                    'médico-légal et plainte au même endroit, jour et nuit\n'
                    "103 Écoute-Enfants | 103 | Ligne d'écoute pour enfants et jeunes "
                    '(francophone)\n'
                    "Awel | 102 | Ligne d'écoute pour enfants et jeunes (néerlandophone)",
              'nl': 'Noodnummer | 112 | Acuut gevaar, dag en nacht\n'
                    'Politie | 101 | Een situatie melden of politiehulp vragen\n'
                    'Child Focus | 116 000 | Vermiste of seksueel uitgebuite kinderen; advies voor '
                    'professionals, gratis, 24/7\n'
                    'Jeugdhulpdienst van het arrondissement (SAJ; in Vlaanderen het '
                    'Vertrouwenscentrum Kindermishandeling) | | De dienst van het arrondissement '
                    'waar het kind woont\n'
                    'Parket, jeugdsectie | | De procureur des Konings van het gerechtelijk '
                    'arrondissement, bij ernstig gevaar\n'
                    'Zorgcentrum na seksueel geweld (ZSG/CPVS) | | Zorg, forensisch onderzoek en '
                    'klacht op één plek, dag en nacht\n'
                    'Awel | 102 | Luisterlijn voor kinderen en jongeren (Nederlandstalig)\n'
                    '103 Écoute-Enfants | 103 | Luisterlijn voor kinderen en jongeren '
                    '(Franstalig)'},
 'high': {'en': 'Act without waiting: inform your management and the youth aid service (SAJ) of '
                "the child's arrondissement.\n"
                "When the child is in serious danger, the youth section of the prosecutor's office "
                'or the police (101) must be told.\n'
                'After recent sexual violence, refer the child to a sexual assault care centre '
                '(CPVS) for care and evidence.\n'
                'Keep the child informed and involved; write down facts, not interpretations.',
          'fr': "Agissez sans attendre : informez votre direction et le service de l'aide à la "
                "jeunesse (SAJ) de l'arrondissement de l'enfant.\n"
                "Si l'enfant est en danger grave, la section jeunesse du parquet ou la police "
                '(101) doit être informée.\n'
                "Après des violences sexuelles récentes, orientez l'enfant vers un centre de prise "
                'en charge des violences sexuelles (CPVS) pour les soins et les preuves.\n'
                "Tenez l'enfant informé et associé ; notez des faits, pas des interprétations.",
          'nl': 'Handel zonder te wachten: breng uw directie en de jeugdhulpdienst van het '
                'arrondissement van het kind op de hoogte (SAJ; in Vlaanderen het '
                'Vertrouwenscentrum Kindermishandeling).\n'
                'Als het kind in ernstig gevaar is, moeten de jeugdsectie van het parket of de '
                'politie (101) verwittigd worden.\n'
                'Na recent seksueel geweld: verwijs het kind naar een zorgcentrum na seksueel '
                'geweld (ZSG/CPVS) voor zorg en bewijs.\n'
                'Houd het kind op de hoogte en betrokken; noteer feiten, geen interpretaties.'},
 'low': {'en': 'No particular pattern of exploitation stands out from these answers; what you '
               'observe yourself still counts.\n'
               'Keep in touch with the child and watch for changes; go through the checklist again '
               'if new signs appear.\n'
               'If in doubt, talk it over with your team or a colleague trained in child '
               'protection.',
         'fr': "Ces réponses ne font pas ressortir de schéma particulier d'exploitation ; ce que "
               'vous observez vous-même compte toujours.\n'
               "Gardez le lien avec l'enfant et restez attentif aux changements ; reprenez la "
               'liste si de nouveaux signes apparaissent.\n'
               'En cas de doute, parlez-en à votre équipe ou à un collègue formé à la protection '
               "de l'enfance.",
         'nl': 'Uit deze antwoorden komt geen bijzonder patroon van uitbuiting naar voren; wat u '
               'zelf waarneemt, blijft tellen.\n'
               'Blijf in contact met het kind en let op veranderingen; overloop de lijst opnieuw '
               'als er nieuwe signalen zijn.\n'
               'Bij twijfel: bespreek het met uw team of met een collega die opgeleid is in '
               'kinderbescherming.'},
 'mild': {'en': 'Discuss your concern with your team or supervisor and write down what you saw, '
                'with dates.\n'
                'Look for a trusted adult around the child and strengthen what protects them '
                '(school, activities, care).\n'
                'Go through the checklist again within three months, or sooner if things change.\n'
                'Child Focus (116 000) advises professionals who have a doubt.',
          'fr': 'Parlez de votre inquiétude à votre équipe ou à votre responsable et notez ce que '
                'vous avez observé, avec les dates.\n'
                "Cherchez un adulte de confiance autour de l'enfant et renforcez ce qui le protège "
                '(école, activités, soins).\n'
                'Reprenez la liste dans les trois mois, ou plus tôt si la situation évolue.\n'
                'Child Focus (116 000) conseille les professionnels qui ont un doute.',
          'nl': 'Bespreek uw bezorgdheid met uw team of leidinggevende en noteer wat u zag, met '
                'data.\n'
                'Zoek een vertrouwde volwassene rond het kind en versterk wat het beschermt '
                '(school, activiteiten, zorg).\n'
                'Overloop de lijst opnieuw binnen drie maanden, of sneller als er iets verandert.\n'
                'Child Focus (116 000) adviseert professionals die twijfelen.'},
 'moderate': {'en': 'Share your concern within your service today and agree who does what.\n'
                    'Ask for advice from Child Focus (116 000) or the youth aid service (SAJ) of '
                    "the child's arrondissement.\n"
                    'Talk with the child somewhere safe; do not promise to keep a secret you '
                    'cannot keep.\n'
                    'Review the situation at least every three months and keep a dated record of '
                    'the signs.',
              'fr': "Partagez votre inquiétude au sein de votre service aujourd'hui et convenez de "
                    'qui fait quoi.\n'
                    "Demandez conseil à Child Focus (116 000) ou au service de l'aide à la "
                    "jeunesse (SAJ) de l'arrondissement de l'enfant.\n"
                    "Parlez avec l'enfant dans un cadre sûr ; ne promettez pas un secret que vous "
                    'ne pourrez pas garder.\n'
                    'Réévaluez la situation au moins tous les trois mois et notez les signes avec '
                    'leur date.',
              'nl': 'Deel uw bezorgdheid vandaag binnen uw dienst en spreek af wie wat doet.\n'
                    'Vraag advies aan Child Focus (116 000) of aan de jeugdhulpdienst van het '
                    'arrondissement van het kind (SAJ; in Vlaanderen het Vertrouwenscentrum '
                    'Kindermishandeling).\n'
                    'Praat met het kind op een veilige plek; beloof geen geheim dat u niet kunt '
                    'bewaren.\n'
                    'Bekijk de situatie minstens om de drie maanden opnieuw en noteer de signalen '
                    'met hun datum.'},
 'urgent': {'en': 'If the child is in danger right now, call 112 (or the police on 101).\n'
                  'If the child is missing, report it to the police and call Child Focus on 116 '
                  '000.\n'
                  "Inform the youth section of the prosecutor's office and your management the "
                  'same day.\n'
                  'After recent sexual violence, a CPVS offers care, forensic examination and the '
                  'filing of a complaint in one place, day and night.\n'
                  'Do not confront the people you suspect yourself.',
            'fr': "Si l'enfant est en danger maintenant, appelez le 112 (ou la police au 101).\n"
                  "Si l'enfant a disparu, signalez-le à la police et appelez Child Focus au 116 "
                  '000.\n'
                  'Informez le jour même la section jeunesse du parquet et votre direction.\n'
                  'Après des violences sexuelles récentes, un CPVS offre soins, examen '
                  'médico-légal et dépôt de plainte au même endroit, jour et nuit.\n'
                  'Ne confrontez pas vous-même les personnes que vous soupçonnez.',
            'nl': 'Is het kind nu in gevaar, bel dan 112 (of de politie op 101).\n'
                  'Is het kind vermist, meld het dan aan de politie en bel Child Focus op 116 '
                  '000.\n'
                  'Breng dezelfde dag de jeugdsectie van het parket en uw directie op de hoogte.\n'
                  'Na recent seksueel geweld biedt een zorgcentrum na seksueel geweld (ZSG/CPVS) '
                  'zorg, forensisch onderzoek en klachtneerlegging op één plek, dag en nacht.\n'
                  'Spreek de personen die u verdenkt niet zelf aan.'}}


def seed(apps, schema_editor):
    GuidanceVersion = apps.get_model("detection", "GuidanceVersion")
    for key, texts in SEED.items():
        for language, body in texts.items():
            if not GuidanceVersion.objects.filter(key=key, language=language).exists():
                GuidanceVersion.objects.create(key=key, language=language, version=1, body=body)


def unseed(apps, schema_editor):
    GuidanceVersion = apps.get_model("detection", "GuidanceVersion")
    GuidanceVersion.objects.filter(version=1, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("detection", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
