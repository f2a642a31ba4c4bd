"""The demo's self-assessments: each host city's own words on each key factor of its review's
benchmark, in the benchmark's order (KF1, KF2 ...). Written for the demo; the figures and
documents named are invented.

Each entry: (rating, narrative, evidence).
"""

SELF_ASSESSMENTS = {
    # Ghent, anti-discrimination
    "ghent_visit": [
        ("2", "The equal opportunities plan 2020-2025 was adopted by the council and names what each "
              "department does. Since 2021 it has a budget line of its own, and the alderman chairs a "
              "steering group that reports to the council every six months.",
         "Equal opportunities plan 2020-2025; council decision on the budget line; steering group minutes."),
        ("1", "The local reporting point, run with the Flemish equality body, takes reports in person two "
              "mornings a week and by e-mail. Most reports still reach us through NGOs, and few residents "
              "know that the reporting point exists.",
         "Reporting figures 2023-2025; neighbourhood survey 2024."),
        ("1", "Complaints about our services go to the general complaints service, which does not record "
              "whether a complaint is about unequal treatment. Staff are unsure where to send a resident "
              "who says another service treated them unfairly.",
         "Complaints procedure; annual report of the complaints service."),
        ("1", "New staff who work with the public follow a one-day course on equal treatment. There is no "
              "refresher, and managers do not check the standard in appraisals.",
         "Course programme of the staff academy; evaluation forms."),
        ("0", "We collect no data on the background of staff or service users, and the reports made to the "
              "reporting point are not analysed by neighbourhood or by service.",
         "Advice of the data protection officer, 2022."),
        ("0", "Tenders and grant agreements say nothing about non-discrimination. The purchasing "
              "department would need a model clause and a way to check that suppliers keep to it.",
         "Procurement guidelines 2022; standard grant agreement."),
        ("2", "Migrant associations and the employers' network sit on the steering group. Some "
              "associations help residents file reports, without an agreement or funding for it.",
         "Membership of the steering group; employers' pledge on fair recruitment."),
    ],
    # Rotterdam, introductory and language courses
    "rotterdam_issued": [
        ("2", "Every newcomer with a duty under the national act is invited by letter for an intake, where "
              "a learning route is agreed. On average the intake takes place eleven weeks after "
              "registration.",
         "Intake procedure; waiting-time figures 2025."),
        ("1", "EU citizens and family migrants who arrived before the current act have no course place "
              "funded by the city. They can join the language houses in the libraries: conversation "
              "groups run by volunteers.",
         "Overview of the language offer; attendance of the language houses."),
        ("1", "Nearly all classes are on weekday mornings. Childcare is arranged through a separate "
              "scheme and often ends before the course does. Two schools run a small evening group.",
         "Timetables of the four contracted schools; rules of the childcare scheme."),
        ("2", "The orientation programme was renewed this year and uses real Rotterdam examples: vacancy "
              "texts, tenancy agreements, letters from schools. It starts once learners reach level A2.",
         "Orientation curriculum 2026."),
        ("1", "The employment service and the language schools keep separate files. A care provider runs "
              "a pilot in which learners work three days and study two; elsewhere a learner who starts "
              "work loses the course place.",
         "Pilot report of the care provider; procedures of the employment service."),
        ("1", "Four schools are contracted and paid per teaching hour. Contract managers visit each school "
              "twice a year and a register of complaints is published; the contracts say nothing about "
              "results.",
         "Contracts 2023-2027; register of complaints."),
        ("1", "We know enrolment and exam results per school and report them to the council each year. We "
              "do not know what learners do after their course.",
         "Annual report to the council, 2025."),
    ],
    # Helsinki, promoting cultural diversity (a draft: the city is still writing it)
    "helsinki_preparing": [
        ("2", "The cultural strategy 2030 names equal access as one of its four goals. There are targets "
              "for library visits in every district, but none for who the audiences are.",
         "Cultural strategy 2030."),
        ("1", "The agreements with the orchestra, the museums and the city theatre ask for audience "
              "development without saying for whom, or how it is measured.",
         "Funding agreements 2025-2027."),
        ("1", "Project grants are open to all, but the form is in Finnish and Swedish only and asks for two "
              "years of accounts, which new associations do not have.",
         "Grant guidelines; grants of 2025 by applicant."),
        ("3", "Libraries in every district lend rooms free of charge, run language cafés and host "
              "associations' events; the libraries in the east are the busiest.",
         "Library statistics; room bookings."),
        ("1", "Our festivals put many cultures on stage, but few events bring residents of different "
              "backgrounds together to make something.",
         "Festival programmes 2024-2025."),
        ("0", "We have no data on the background of the staff or the board members of the institutions "
              "the city funds.", ""),
    ],
    # Barcelona, public perception of diversity (an earlier review, closed)
    "barcelona_closed": [
        ("2", "A government measure on interculturality sets out how the city speaks about diversity, and "
              "departments follow it. The line has not been discussed with the opposition groups.",
         "Government measure on interculturality; communication guidelines."),
        ("2", "The municipal survey asks every two years how residents get along in their neighbourhood; "
              "questions on migration were added in the last edition.",
         "Municipal survey; questionnaire."),
        ("3", "The anti-rumour network has more than 400 member organisations and trains residents, "
              "shopkeepers and staff as anti-rumour agents. Its fact sheets are updated every year.",
         "Membership of the network; training records; fact sheets."),
        ("1", "The press office answers journalists quickly, but there is no regular contact with editors "
              "or with community media about how migration is covered.",
         "Press office procedures."),
        ("2", "The image bank was renewed with photos of residents of every district; some departments "
              "still buy stock photos.",
         "Image bank guidelines; a sample of publications."),
        ("1", "Staff can take the anti-rumour course if they wish; councillors have never been offered it.",
         "Training catalogue."),
        ("1", "When a reception centre or a place of worship opens, the district informs the residents, "
              "usually once the decision has been taken.",
         "Two district reports on openings."),
    ],
}
