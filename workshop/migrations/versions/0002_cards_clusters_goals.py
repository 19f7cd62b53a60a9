"""Cards, supports, clusters and goals; collect settings on workshops.

New NOT NULL columns get server defaults so that existing workshops upgrade in place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:27:22.598213
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workshop.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_cluster_field_id_action_field"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_cluster_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster")),
    )
    with op.batch_alter_table("cluster", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cluster_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.Column("moderator_edited_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", workshop.models.base.UTCDateTime(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["participant.id"],
            name=op.f("fk_card_author_id_participant"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
            name=op.f("fk_card_cluster_id_cluster"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_card_field_id_action_field"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["card_kind.id"],
            name=op.f("fk_card_kind_id_card_kind"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["card.id"],
            name=op.f("fk_card_merged_into_id_card"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_card_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card")),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("created_at", workshop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster.id"],
            name=op.f("fk_goal_cluster_id_cluster"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["action_field.id"],
            name=op.f("fk_goal_field_id_action_field"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_goal_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "card_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["card.id"], name=op.f("fk_card_support_card_id_card"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_card_support_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_support")),
        sa.UniqueConstraint("card_id", "participant_id", name=op.f("uq_card_support_card_id")),
    )
    with op.batch_alter_table("card_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_support_card_id"), ["card_id"], unique=False)

    op.create_table(
        "goal_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["card.id"], name=op.f("fk_goal_card_card_id_card"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_goal_card_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_card")),
        sa.UniqueConstraint("goal_id", "card_id", name=op.f("uq_goal_card_goal_id")),
    )
    with op.batch_alter_table("goal_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_card_goal_id"), ["goal_id"], unique=False)

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "card_names", sa.String(length=16), nullable=False, server_default="anonymous"
            )
        )
        batch_op.add_column(
            sa.Column("collect_locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("show_authors", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("spotlight_card_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_workshop_spotlight_card_id_card"),
            "card",
            ["spotlight_card_id"],
            ["id"],
            ondelete="SET NULL",
            use_alter=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_workshop_spotlight_card_id_card"), type_="foreignkey"
        )
        batch_op.drop_column("spotlight_card_id")
        batch_op.drop_column("show_authors")
        batch_op.drop_column("collect_locked")
        batch_op.drop_column("card_names")

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("done")

    with op.batch_alter_table("goal_card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_card_goal_id"))

    op.drop_table("goal_card")
    with op.batch_alter_table("card_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_support_card_id"))

    op.drop_table("card_support")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_workshop_id"))

    op.drop_table("goal")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_card_cluster_id"))
        batch_op.drop_index(batch_op.f("ix_card_author_id"))

    op.drop_table("card")
    with op.batch_alter_table("cluster", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cluster_workshop_id"))

    op.drop_table("cluster")
