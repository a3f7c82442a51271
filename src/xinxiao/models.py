"""Every domain's tables in one place, for Alembic and for tests that build a schema."""

from __future__ import annotations


def import_all_models() -> None:
    """Import the model modules so their tables register on ``Base.metadata``."""
    import xinxiao.accounts.models
    import xinxiao.core.audit
    import xinxiao.indices.models
    import xinxiao.merchants.models
    import xinxiao.monitoring.models
    import xinxiao.plans.form_models
    import xinxiao.plans.models
    import xinxiao.reference.models  # noqa: F401
