"""The demo network: real member-city names, invented people.

Charter dates in the demo are illustrative, not historical records.
"""

# (name, ISO country, time zone, charter signed, short description written for the demo)
CITIES = [
    ("Amsterdam", "NL", "Europe/Amsterdam", "2010-05-10", "Port city with residents of more than 170 nationalities; integration sits with the social development department."),
    ("Athens", "GR", "Europe/Athens", "2014-03-20", "Arrival city for many asylum seekers since 2015; a migrant integration council advises the mayor."),
    ("Barcelona", "ES", "Europe/Madrid", "2010-05-10", "Runs a municipal reception service for newcomers and an anti-rumour network."),
    ("Berlin", "DE", "Europe/Berlin", "2010-05-10", "City-state with its own participation and integration law; districts run many services."),
    ("Bristol", "GB", "Europe/London", "2016-06-01", "City of sanctuary with an active refugee and migrant forum."),
    ("Copenhagen", "DK", "Europe/Copenhagen", "2010-05-10", "Measures inclusion through a yearly citizen survey and an inclusion policy."),
    ("Dublin", "IE", "Europe/Dublin", "2012-10-15", "Integration strategy delivered with the city's local community development committee."),
    ("Genoa", "IT", "Europe/Rome", "2011-04-12", "Port city with long-standing Latin American and North African communities."),
    ("Ghent", "BE", "Europe/Brussels", "2010-05-10", "Runs an integration agency for newcomers and a network of neighbourhood services."),
    ("Gothenburg", "SE", "Europe/Stockholm", "2011-11-03", "Focus on segregation between neighbourhoods and on jobs for newcomers."),
    ("Helsinki", "FI", "Europe/Helsinki", "2010-05-10", "Growing multilingual population; language learning paths for adults."),
    ("Leeds", "GB", "Europe/London", "2013-09-18", "Works through a migration partnership of the council, NGOs and the university."),
    ("Lisbon", "PT", "Europe/Lisbon", "2012-02-27", "Municipal plan for migrants with one-stop support centres."),
    ("Milan", "IT", "Europe/Rome", "2010-05-10", "Large foreign-born population; employment services for migrants."),
    ("Munich", "DE", "Europe/Berlin", "2010-05-10", "Intercultural opening of the city administration is a long-term policy."),
    ("Nantes", "FR", "Europe/Paris", "2011-06-30", "Council of foreign residents advises the city since the 2000s."),
    ("Oslo", "NO", "Europe/Oslo", "2010-05-10", "Area-based programmes in districts with many immigrant residents."),
    ("Riga", "LV", "Europe/Riga", "2017-05-22", "Small but growing newcomer population; language courses with NGO partners."),
    ("Rotterdam", "NL", "Europe/Amsterdam", "2010-05-10", "Majority-minority city; civic integration courses run by the municipality."),
    ("Stockholm", "SE", "Europe/Stockholm", "2012-12-03", "Introduction programme for newly arrived people, delivered with the employment service."),
    ("Tampere", "FI", "Europe/Helsinki", "2015-08-14", "Integration programme built with migrant associations."),
    ("Vienna", "AT", "Europe/Vienna", "2010-05-10", "Start coaching for newcomers and an integration and diversity monitor."),
    ("Warsaw", "PL", "Europe/Warsaw", "2016-11-07", "Multicultural centre and a team for foreigners in the social services."),
    ("Zurich", "CH", "Europe/Zurich", "2013-01-21", "Integration delegate's office coordinates language, work and participation."),
]

DEMO_DOMAIN = "demo.peerreview.eu"

# (key, name, e-mail local part, city or None, city role, coordinator, languages)
PEOPLE = [
    ("coordinator", "Hanna Lindqvist", "coordinator", None, "member", True, ["en", "sv", "fr"]),
    ("host_contact", "Pieter Van Acker", "ghent.contact", "Ghent", "contact", False, ["nl", "en", "fr"]),
    ("city_member", "Lotte De Smet", "ghent.member", "Ghent", "member", False, ["nl", "en"]),
    ("other_city", "Giulia Ferraro", "genoa.contact", "Genoa", "contact", False, ["it", "en"]),
    ("peer_lead", "Katharina Hofer", "vienna.peer", "Vienna", "member", False, ["de", "en", "nl"]),
    ("peer_rapporteur", "Miguel Antunes", "lisbon.peer", "Lisbon", "member", False, ["pt", "en", "fr"]),
    ("peer", "Sara Lindgren", "gothenburg.peer", "Gothenburg", "member", False, ["sv", "en"]),
    ("peer_munich", "Jonas Brenner", "munich.peer", "Munich", "member", False, ["de", "en", "fr"]),
    ("peer_athens", "Eleni Papadaki", "athens.peer", "Athens", "member", False, ["el", "en"]),
    ("peer_helsinki", "Aino Virtanen", "helsinki.peer", "Helsinki", "member", False, ["fi", "sv", "en"]),
    ("rotterdam_contact", "Sanne Bakker", "rotterdam.contact", "Rotterdam", "contact", False, ["nl", "en"]),
    ("barcelona_contact", "Núria Soler", "barcelona.contact", "Barcelona", "contact", False, ["ca", "es", "en"]),
    ("milan_contact", "Paolo Ricci", "milan.contact", "Milan", "contact", False, ["it", "en"]),
    ("helsinki_contact", "Mikko Laine", "helsinki.contact", "Helsinki", "contact", False, ["fi", "en"]),
    # mentoring (peerreview/demo/mentoring.py)
    ("mentor_vienna", "Florian Gruber", "vienna.mentor", "Vienna", "member", False, ["de", "en"]),
    ("mentee_riga", "Līga Ozola", "riga.mentee", "Riga", "member", False, ["lv", "en", "ru"]),
    ("mentee_athens", "Nikos Georgiou", "athens.mentee", "Athens", "member", False, ["el", "en"]),
]

ROLE_LABELS = {
    "coordinator": "Coordinator (secretariat)",
    "host_contact": "Host city contact (Ghent)",
    "city_member": "City member (Ghent)",
    "other_city": "Contact of another city (Genoa)",
    "peer_lead": "Peer, team lead (Vienna)",
    "peer_rapporteur": "Peer, rapporteur (Lisbon)",
    "peer": "Peer (Gothenburg)",
    "peer_munich": "Peer (Munich)",
    "peer_athens": "Peer (Athens)",
    "peer_helsinki": "Peer (Helsinki)",
    "rotterdam_contact": "City contact (Rotterdam)",
    "barcelona_contact": "City contact (Barcelona)",
    "milan_contact": "City contact (Milan)",
    "helsinki_contact": "City contact (Helsinki)",
    "mentor_vienna": "Mentor (Vienna)",
    "mentee_riga": "Mentee (Riga)",
    "mentee_athens": "Mentee (Athens)",
}

# Reviews in the demo: (key, host city, theme slug, state, visit offset in days from today,
# visit length in days). Negative offsets are in the past; peerreview/demo/dates.py moves each
# visit to the nearest working days, and the review in its visit week to this week's.
REVIEWS = [
    ("ghent_visit", "Ghent", "anti-discrimination", "visit", -1, 4),
    ("rotterdam_issued", "Rotterdam", "introductory-language-courses", "follow_up", -75, 4),
    ("helsinki_preparing", "Helsinki", "cultural-diversity", "preparing", 24, 3),
    ("milan_team", "Milan", "diverse-administration", "team_forming", 70, 4),
    ("genoa_requested", "Genoa", "public-perception", None, None, None),
    ("ghent_draft", "Ghent", "neighbourhood-participation", "draft", None, None),
    ("barcelona_closed", "Barcelona", "public-perception", "closed", -830, 4),
]

# The language each host chose for its feedback report (English unless named): Rotterdam's
# report is written for the city council, in Dutch.
REPORT_LANGUAGES = {"rotterdam_issued": "nl"}

HOST_QUESTIONS = {
    "ghent_visit": [
        "Do residents who experience discrimination know where to report it, and do they trust the city to act?",
        "How can the city use its purchasing power to push suppliers towards fair recruitment?",
    ],
    "rotterdam_issued": [
        "Why do so many participants drop out of language courses after three months?",
    ],
    "helsinki_preparing": [
        "How can cultural institutions reach audiences in the eastern suburbs?",
    ],
    "milan_team": ["How do we bring more residents with a migrant background into municipal jobs?"],
    "genoa_requested": ["How do local media and the city talk about migration, and what could change?"],
    "ghent_draft": [],
    "barcelona_closed": ["How can the anti-rumour network reach people who never come to its activities?"],
}

BACKGROUNDS = {
    "ghent_visit": (
        "Ghent has about 265,000 inhabitants; roughly a third have a migration background. The city "
        "adopted an equal opportunities plan in 2020 and runs a local reporting point for discrimination "
        "together with the Flemish equality body.\n"
        "The plan is due for renewal next year. We want outside eyes on whether reporting works, how "
        "departments use equality data, and what procurement can do."),
    "rotterdam_issued": (
        "Rotterdam organises language and civic integration courses for about 4,000 newcomers a year "
        "under the national civic integration act, with several contracted language schools."),
    "helsinki_preparing": (
        "Helsinki's cultural services run libraries, cultural centres and grants. Audiences remain "
        "less diverse than the city's population, especially in the eastern districts."),
    "milan_team": (
        "The city employs about 14,000 people. We do not collect data on staff background and want "
        "to learn how other cities measure and improve diversity in recruitment."),
    "genoa_requested": "Genoa wants to review how the city communicates about migration and diversity.",
    "ghent_draft": "Draft: neighbourhood participation in the Brugse Poort and Dampoort areas.",
    "barcelona_closed": (
        "Barcelona has run an anti-rumour strategy since 2010. We want peers to look at how the city "
        "as a whole, not only the network, shapes the way residents see migration."),
}

# Visit programme of the review in its visit week: (day index, start, end, type, title, venue,
# organisations, organisation types, interpreter, key factor positions in focus)
PROGRAMME = [
    (0, "09:00", "10:30", "interview", "Welcome and briefing with the equal opportunities team",
     "City Hall, Botermarkt 1", "Equal opportunities service", ["city_department"], False, [1, 2]),
    (0, "11:00", "12:30", "interview", "Meeting the alderman for equal opportunities",
     "City Hall, Botermarkt 1", "Alderman's office", ["political_leadership"], False, [1, 6]),
    (0, "14:00", "16:00", "site_visit", "Visit to the local reporting point",
     "Reporting point, Kammerstraat", "Reporting point staff, equality body", ["service_provider"], False, [2]),
    (1, "09:30", "11:00", "focus_group", "Focus group with residents who reported discrimination",
     "Community centre Brugse Poort", "Residents, with two migrant associations",
     ["residents", "migrant_organisation"], True, [2, 7]),
    (1, "11:30", "12:30", "interview", "Human resources: staff training, standards and equality data",
     "Administrative centre", "HR department", ["city_department"], False, [4, 5]),
    (1, "14:00", "15:30", "interview", "Purchasing department and two suppliers",
     "Administrative centre", "Procurement office, cleaning and catering suppliers",
     ["city_department", "employer"], False, [6]),
    (2, "09:00", "10:30", "workshop", "Workshop with frontline staff of the social services",
     "Social services, Onderbergen", "Public centre for social welfare", ["service_provider"], False, [3, 4]),
    (2, "11:00", "12:30", "interview", "Employers' network on fair recruitment",
     "Chamber of commerce", "Three local employers", ["employer"], False, [7]),
    (3, "10:00", "12:00", "feedback", "First feedback to the city",
     "City Hall, Botermarkt 1", "Alderman, equal opportunities team", ["political_leadership", "city_department"], False, []),
]


# Observations in the review that is in its visit week: (author key, programme item index or
# None, key factor position or None for general, kind, who said it, text). Each note is filed
# under the key factor of the anti-discrimination benchmark it speaks of.
OBSERVATIONS = [
    ("peer_lead", 0, 1, "strength", "city_department",
     "The equal opportunities plan has named owners in every department and a twice-yearly "
     "monitoring report that goes to the council in public."),
    ("peer_rapporteur", 0, 1, "evidence", "city_department",
     "\"We have a budget line of our own since 2021; before that every action had to be begged "
     "from other departments.\""),
    ("peer", 1, 6, "question", "political_leadership",
     "The alderman wants the next plan to include targets for suppliers. Who would monitor them, "
     "and with what staff?"),
    ("peer_munich", 1, 1, "strength", "political_leadership",
     "Clear political backing: the alderman chairs the steering group himself and reports to the "
     "council every six months."),
    ("peer_lead", 2, 2, "gap", "service_provider",
     "The reporting point is open two mornings a week and has no evening or weekend hours; "
     "working residents cannot come in person."),
    ("peer", 2, 2, "evidence", "service_provider",
     "142 reports last year; staff estimate that fewer than one in ten incidents they hear about "
     "in the neighbourhood is reported."),
    ("peer_lead", 2, 2, "good_practice", "service_provider",
     "Every report gets a written answer within ten working days, in the resident's language "
     "where possible. Worth sharing with Vienna."),
    ("peer_rapporteur", 3, 2, "gap", "residents",
     "Focus group: most participants had never heard of the reporting point. They report to "
     "their own association or to nobody."),
    ("peer_munich", 3, 2, "evidence", "residents",
     "\"When I reported, nothing happened and nobody called me back. Why would I do it again?\""),
    ("peer_rapporteur", 3, 7, "question", "migrant_organisation",
     "Could migrant associations be trusted intermediaries that file reports on residents' behalf, "
     "with their consent, under an agreement with the city?"),
    ("peer_lead", 4, 4, "strength", "city_department",
     "Managers of front offices sign a short code on equal treatment every year, and new staff "
     "take the one-day course in their first month."),
    ("peer", 4, 5, "gap", "city_department",
     "No data on the background of staff by grade: HR cannot say whether diversity stops at "
     "middle management."),
    ("peer_rapporteur", 5, 6, "gap", "city_department",
     "Tenders contain no non-discrimination clause and no one checks suppliers' recruitment "
     "practice after the contract is signed."),
    ("peer_munich", 5, 6, "good_practice", "employer",
     "The cleaning company runs anonymous recruitment on its own initiative and would accept a "
     "contract clause if it applied to all bidders."),
    ("peer_lead", 6, 4, "gap", "service_provider",
     "Frontline staff had their one-day course three years ago or more and none since; several "
     "asked for practice with real cases."),
    ("peer", 6, 3, "evidence", "service_provider",
     "Social services keep complaint records but do not code them for discrimination, and staff "
     "do not know where to send a client who says another service treated them unfairly."),
    ("peer_rapporteur", 7, 7, "strength", "employer",
     "The employers' network has a shared pledge on fair recruitment signed by 38 local firms."),
    ("peer_munich", None, None, "question", None,
     "For the report: how does the city's plan relate to the regional equality body's work, and "
     "who does what when a case reaches court?"),
]
