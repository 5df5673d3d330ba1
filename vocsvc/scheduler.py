"""The one scheduler process (`vocsvc scheduler`): APScheduler with its job store in the database.

Run exactly one in production; if two run at once (a deploy overlap), every job is still safe:
review snapshots are unique per journey and quarter and inserted with ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from vocsvc.config import Settings
from vocsvc.db import get_engine

log = logging.getLogger(__name__)

QUARTERLY_REVIEWS = "quarterly-reviews"
SCORE_UNSCORED = "score-unscored-comments"
EVALUATE_ALERTS = "evaluate-alerts"
DELIVER_WEBHOOKS = "deliver-webhooks"


def configure(scheduler: BaseScheduler, settings: Settings) -> BaseScheduler:
    """Register every job; `replace_existing` keeps a restarted process from duplicating them."""
    scheduler.add_job(
        "vocsvc.reviews.scheduled:generate_quarterly_reviews",
        CronTrigger(month="1,4,7,10", day=1, hour=2, minute=0, timezone=settings.tz),
        id=QUARTERLY_REVIEWS,
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=6 * 3600,  # a scheduler down at 02:00 still catches up that morning
    )
    scheduler.add_job(
        "vocsvc.sentiment.scheduled:score_unscored",
        IntervalTrigger(seconds=30),
        id=SCORE_UNSCORED,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        "vocsvc.alerts.scheduled:evaluate_alerts",
        CronTrigger(hour=3, minute=30, timezone=settings.tz),  # after the night's answers are in
        id=EVALUATE_ALERTS,
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(
        "vocsvc.webhooks.scheduled:deliver_webhooks",
        IntervalTrigger(seconds=15),
        id=DELIVER_WEBHOOKS,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def build_scheduler(settings: Settings) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(engine=get_engine(), tablename="apscheduler_jobs")
        },
        timezone=settings.tz,
    )
    configure(scheduler, settings)
    return scheduler
