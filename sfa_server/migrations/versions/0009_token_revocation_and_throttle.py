"""access tokens revoked at once, sign-in throttling by device

devices.tokens_revoked_at: access tokens issued before it are refused (token reuse, logout);
login_attempts.device_id: a known device is judged by its own failures only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("tokens_revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("device_id", sa.String(length=36), nullable=True))
        batch.create_index("ix_login_attempts_device_at", ["device_id", "at"])


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_index("ix_login_attempts_device_at")
        batch.drop_column("device_id")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("tokens_revoked_at")
