"""Realistic hard input for the PDFs: very long words and addresses, long paragraphs, every
European script and common symbols, written through the services into a feedback report and a
mentoring progress report."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

# one 200-character "word" (a German compound repeated), as pasted from a policy document
LONG_WORD = ("Integrationskursverordnungsänderungsbegleitgesetz" * 5)[:200]
LONG_URL = ("https://www.integration-example.eu/documents/2026/strategy/annex/"
            + "local-action-plan-for-newcomers-" * 5 + "final-version.pdf?download=true&lang=en")
SCRIPTS = (
    "Ελληνικά: Η ένταξη των μεταναστών στην Αθήνα. Русский: интеграция мигрантов. "
    "Українська: Київ, Львів, ґанок, їжа. Български: Пловдив, щъркел. Српски: Ђурђевдан, Љубљана, "
    "Његош, Џеп. Македонски: Ѓорѓи, Ќерка, Ѕвезда. Беларуская: Ўзор. Polski: Łódź, źdźbło, "
    "Gdańsk. Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy. Slovenčina: ľahký, ĺ, ŕ, ô. "
    "Magyar: Árvíztűrő tükörfúrógép. Română: Țară, școală, Brașov. Türkçe: İstanbul, Iğdır, "
    "şoför, ğ. Íslenska: Þórshöfn, Reykjavík, ð, æ. Føroyskt: Tórshavn. Malti: Ħamrun, Ġgantija, "
    "Ċittadella, Żebbuġ. Latviešu: Rīga, ķ, ļ, ņ. Lietuvių: Klaipėda, ą, ę, į, ų. Eesti: Tõnis, "
    "Pärnu, Šiauliai. Gaeilge: Ó Súilleabháin. Cymraeg: Llŷr, ŵ. Sámegiella: Čáhcesuolu, ŋ, đ, ŧ, "
    "ž. Dansk: Æbleø, Århus, Øresund. Deutsch: Straße, GROẞ. Français: cœur, Œuvre, « ça ». "
    "Español: ¿Niño? ¡Sí! Português: ação, irmãos. Hrvatski: đak, ćevap. Slovenščina: čebela. "
    "Shqip: Gjirokastër, çaj. Català: col·legi. Azərbaycan: Şəki. Қазақ: Қарағанды. "
    "ქართული: თბილისი. Հայերեն: Երևան."
)
SYMBOLS = "→ ← ↑ ↓ ⇒ ≥ ≤ ≠ ± × ÷ ≈ ∞ √ ✓ ✔ ✗ ✘ ★ ☆ ☐ ☑ ■ □ ▲ ► • … – — € £ § ° ½ ™ © ® №"
SENTENCE = ("The city runs language courses in every district, but learners who work shifts "
            "cannot attend them, and the waiting list grows each autumn. ")
LONG_PARAGRAPH = (SENTENCE * 25)[:3000].strip()


def text_block(label: str) -> str:
    """A text with every kind of hard input, in paragraphs and a list."""
    return (f"{label}: {LONG_PARAGRAPH}\n\n{LONG_WORD} {LONG_URL}\n\n{SCRIPTS}\n\n{SYMBOLS}\n\n"
            f"- {LONG_WORD}\n- {LONG_URL}\n- {SYMBOLS}")


def every_character() -> set[str]:
    return {c for c in LONG_WORD + LONG_URL + SCRIPTS + SYMBOLS + LONG_PARAGRAPH if not c.isspace()}


def hostile_report(rw) -> None:
    """Fill the review of ``rw`` (tests.reports_helpers) with hostile texts, ready to issue."""
    from peerreview.extensions import db
    from peerreview.reports import services as drafting
    from peerreview.reviews.models import VisitSession
    from tests.reports_helpers import complete

    complete(rw, summary=text_block("Summary"))
    review = rw.review
    review.host_questions = [f"{LONG_WORD}? {SYMBOLS}", f"What about {LONG_URL}?"]
    for kf, title in zip(rw.kfs, (LONG_WORD, SCRIPTS[:180], f"Access {SYMBOLS}"), strict=True):
        kf.title = title
        kf.description = text_block("Description")
    review.benchmark.standard = f"{SCRIPTS} {LONG_WORD}"
    rw.peer.name = f"Ἀλέξανδρος Παπαδόπουλος-{LONG_WORD[:60]}"
    rw.lead.name = "Ёлка Щукина-Воронцова"
    db.session.add(VisitSession(review=review, day=review.visit_start, start_time=rw.notes[0].session.start_time,
                                end_time=rw.notes[0].session.end_time, title=LONG_WORD, venue=LONG_URL[:200],
                                session_type="focus_group", organisation_types=["ngo"],
                                organisations=f"{SCRIPTS[:300]} {LONG_WORD}"))
    for note in rw.notes:
        note.text = text_block("Note")
    db.session.flush()
    report = drafting.get_or_create(review)
    lead = rw.lead
    for key in ("host_context", "good_practices", "follow_up", "answer_1"):
        drafting.save_section(report, key, text_block(key), base_version=None, actor=lead)
    drafting.save_section(report, "unanswered_2", f"The visit gave no evidence on it. {LONG_WORD}",
                          base_version=None, actor=lead)
    for f in drafting.findings_in_order(report):
        drafting.save_finding(f, drafting.FindingInput(
            rationale=text_block("Rationale"), strengths=f"{LONG_WORD}\n\n{SCRIPTS}",
            improvements=f"{LONG_URL} {SYMBOLS}",
            observation_ids=[n.id for n in rw.notes if n.key_factor_id == f.key_factor_id],
            rating=f.rating, rating_given=True), base_version=None, actor=lead, may_rate=True)
    for n in range(4):
        drafting.add_recommendation(report, drafting.RecommendationInput(
            key_factor_id=rw.kfs[n % 3].id, action=f"{LONG_WORD} {SYMBOLS} {LONG_URL}",
            rationale=text_block("Why"), priority=("high", "medium", "low")[n % 3],
            owner=LONG_WORD, timeframe_months=12), actor=lead)
    db.session.commit()


def hostile_mentorship(mw) -> None:
    """Give Riga's mentorship (tests.mentoring_helpers) hostile actions, visits and ratings."""
    from peerreview.extensions import db
    from peerreview.mentoring import activity, plan
    from tests.mentoring_helpers import baseline

    baseline(mw)
    m = mw.riga
    mw.riga_city.name = "Rīga"
    for kf, title in zip(mw.kfs, (LONG_WORD, SCRIPTS[:180], f"Access {SYMBOLS}", LONG_URL[:190]), strict=True):
        kf.title = title
    for n in range(6):
        plan.add_action(m, plan.ActionInput(
            key_factor_id=mw.kfs[n % 4].id, description=text_block("Action")[:5000] if n % 2 else LONG_WORD,
            owner=LONG_WORD, deadline=mw.today + timedelta(days=20 * n - 30),
            indicator=f"{SYMBOLS} {LONG_URL}", source=SCRIPTS[:290]), actor=mw.mentor)
    activity.add_visit(m, activity.VisitInput(
        kind="mentoring", starts_on=mw.today - timedelta(days=10), ends_on=mw.today - timedelta(days=8),
        location=LONG_WORD, participant_ids=[mw.mentor.id], other_participants=SCRIPTS[:400],
        notes=text_block("Notes"), agreed=text_block("Agreed")), actor=mw.mentor)
    activity.record_progress(m, held_on=mw.today, ratings=[activity.RatingInput(kf.id, "2") for kf in mw.kfs],
                             summary=text_block("Summary"), next_review_on=mw.today + timedelta(days=90),
                             actor=mw.mentor)
    db.session.commit()


def keep(name: str, data: bytes) -> None:
    """With PEERREVIEW_KEEP_PDFS=folder, keep the PDF there to look at its pages."""
    folder = os.environ.get("PEERREVIEW_KEEP_PDFS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


ISSUED_ON = date(2026, 10, 10)
