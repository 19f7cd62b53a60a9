"""Voting rounds over goals and dot votes (issue 5, first part).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 06:24:53.713545
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "vote_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("max_per_goal", sa.Integer(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("label_x", sa.String(length=60), nullable=False),
        sa.Column("label_y", sa.String(length=60), nullable=False),
        sa.Column("live_results", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_round_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_round_id"],
            ["vote_round.id"],
            name=op.f("fk_vote_round_source_round_id_vote_round"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_vote_round_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_round")),
    )
    with op.batch_alter_table("vote_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vote_round_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "dot_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.CheckConstraint("dots >= 0", name=op.f("ck_dot_vote_dots_not_negative")),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_dot_vote_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_dot_vote_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["vote_round.id"],
            name=op.f("fk_dot_vote_round_id_vote_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dot_vote")),
        sa.UniqueConstraint(
            "round_id", "participant_id", "goal_id", name=op.f("uq_dot_vote_round_id")
        ),
    )
    with op.batch_alter_table("dot_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dot_vote_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dot_vote_round_id"), ["round_id"], unique=False)

    op.create_table(
        "round_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_round_goal_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["vote_round.id"],
            name=op.f("fk_round_goal_round_id_vote_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_goal")),
        sa.UniqueConstraint("round_id", "goal_id", name=op.f("uq_round_goal_round_id")),
    )
    with op.batch_alter_table("round_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_goal_round_id"), ["round_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("round_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_goal_round_id"))

    op.drop_table("round_goal")
    with op.batch_alter_table("dot_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dot_vote_round_id"))
        batch_op.drop_index(batch_op.f("ix_dot_vote_participant_id"))

    op.drop_table("dot_vote")
    with op.batch_alter_table("vote_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_round_workshop_id"))

    op.drop_table("vote_round")
