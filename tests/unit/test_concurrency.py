"""Many phones writing at the same moment: nothing lost, nothing doubled, versions distinct."""

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from workshop.models import Card, Workshop
from workshop.services import cards
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase


def test_twenty_phones_posting_at_once(session, workshop):
    set_phase(session, workshop, "collect")
    session.commit()
    factory = sessionmaker(session.get_bind(), expire_on_commit=False)
    start = threading.Barrier(20)
    versions: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def phone(n: int) -> None:
        try:
            with factory() as db:
                mine = db.get(Workshop, workshop.id)
                person, _ = join_workshop(db, mine)
                db.commit()
                start.wait(timeout=10)
                _, events = cards.post_card(
                    db, mine, person, mine.fields[n % 4].id, mine.kinds[n % 2].id, f"Karte {n}"
                )
                db.commit()
                with lock:
                    versions.append(events[0].version)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    session.expire_all()
    texts = session.scalars(select(Card.text).where(Card.workshop_id == workshop.id)).all()
    assert sorted(texts) == sorted(f"Karte {n}" for n in range(20))
    assert len(set(versions)) == 20
    final = session.scalar(select(Workshop.version).where(Workshop.id == workshop.id))
    assert final == max(versions)
    assert session.scalar(select(func.count()).select_from(Card)) == 20
