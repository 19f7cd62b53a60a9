"""Unit fixtures: a plain SQLAlchemy session, no Flask app."""

from __future__ import annotations

import pytest

from workshop.db import make_engine
from workshop.models import Base


@pytest.fixture
def session(database_url, postgres_engine):
    engine = make_engine(database_url)
    if postgres_engine is None:
        Base.metadata.create_all(engine)
    from sqlalchemy.orm import sessionmaker

    with sessionmaker(engine, expire_on_commit=False)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def workshop(session):
    from workshop.services.workshops import WorkshopDetails, create_workshop

    created, _token = create_workshop(session, WorkshopDetails(title="Klausur"), template="kaoa")
    session.commit()
    return created
