"""Impact × feasibility ratings, rankings, proxy and paper voters, confirmed priorities (issue 5).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 07:40:08.909236
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matrix_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("x", sa.Integer(), nullable=True),
        sa.Column("y", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_matrix_rating_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_matrix_rating_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["vote_round.id"],
            name=op.f("fk_matrix_rating_round_id_vote_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matrix_rating")),
        sa.UniqueConstraint(
            "round_id", "participant_id", "goal_id", name=op.f("uq_matrix_rating_round_id")
        ),
    )
    with op.batch_alter_table("matrix_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_matrix_rating_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_matrix_rating_round_id"), ["round_id"], unique=False)

    op.create_table(
        "rank_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_rank_vote_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_rank_vote_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["vote_round.id"],
            name=op.f("fk_rank_vote_round_id_vote_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_vote")),
        sa.UniqueConstraint("round_id", "participant_id", "goal_id", name="uq_rank_vote_goal"),
        sa.UniqueConstraint("round_id", "participant_id", "place", name="uq_rank_vote_place"),
    )
    with op.batch_alter_table("rank_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rank_vote_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rank_vote_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("decision_note", sa.Text(), server_default="", nullable=False)
        )

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="phone", nullable=False)
        )
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_participant_round_id"), ["round_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_participant_round_id_vote_round"),
            "vote_round",
            ["round_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shown_round_ids", sa.String(length=200), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("results_field_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_results_field_id_action_field"),
            "action_field",
            ["results_field_id"],
            ["id"],
            ondelete="SET NULL",
            use_alter=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_workshop_results_field_id_action_field"), type_="foreignkey"
        )
        batch_op.drop_column("results_field_id")
        batch_op.drop_column("shown_round_ids")

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_participant_round_id_vote_round"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_participant_round_id"))
        batch_op.drop_column("round_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_column("decision_note")
        batch_op.drop_column("priority")

    with op.batch_alter_table("rank_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rank_vote_round_id"))
        batch_op.drop_index(batch_op.f("ix_rank_vote_participant_id"))

    op.drop_table("rank_vote")
    with op.batch_alter_table("matrix_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matrix_rating_round_id"))
        batch_op.drop_index(batch_op.f("ix_matrix_rating_participant_id"))

    op.drop_table("matrix_rating")
