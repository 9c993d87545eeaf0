"""
deploy/: the systemd units and the crontab run commands that exist, with
arguments those commands accept, as README's "Scheduled jobs" table lists them,
and the worker is always restarted.
"""

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


@pytest.fixture(autouse=True)
def _tasks_queued_for_the_worker(settings):
    """As in production: the worker's commands check that tasks go through the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def cron_commands():
    """(command, arguments) of every crontab line that runs manage.py through deploy/manage."""
    found = []
    for line in (DEPLOY / "crontab").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line.split("|")[0], comments=True)
        if len(words) > 6 and words[5].endswith("deploy/manage"):
            found.append((words[6], words[7:]))
    return found


def cron_schedule():
    """{"command --its args": "when", in README's words} for each manage.py job of the crontab."""
    times = {}
    for line in (DEPLOY / "crontab").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line.split("|")[0], comments=True)
        if len(words) > 6 and words[5].endswith("deploy/manage"):
            minute, hour, *_ = words
            job = " ".join(words[6:])
            if minute.startswith("*/") and hour == "*":
                times[job] = f"every {minute[2:]} minutes"
            else:
                times.setdefault(job, []).append(f"{int(hour):02}:{int(minute):02}")
    return {
        job: when if isinstance(when, str) else " and ".join(sorted(when)) + " daily"
        for job, when in times.items()
    }


def readme_cron_table():
    """{"command --its args": "when"} from README's "Scheduled jobs" table."""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Scheduled jobs\n")[1].split("\n### ")[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| ")]
    return {command.strip().strip("`"): when.strip() for when, command in rows[2:]}


def accepts(command, arguments):
    """Whether manage.py `command` parses `arguments` (argparse exits on an unknown one)."""
    app = get_commands()[command]
    load_command_class(app, command).create_parser("manage.py", command).parse_args(arguments)
    return True


def test_the_crontab_schedules_every_job_the_site_needs():
    commands = [command for command, _ in cron_commands()]
    assert sorted(commands) == sorted(
        [
            "refresh_scheduled",
            "resend_enquiry_notifications",
            "enquiry_reminders",
            "enquiry_daily_summary",
            "enquiry_daily_summary",
            "purge_enquiries",
            "purge_enquiries",
            "prune_db_task_results",
            "clearsessions",
            "backup_database",
            "purge_missing_urls",
            "purge_search_log",
            "purge_webhook_deliveries",
            "deleterevisions",
            "purge_admin_log",
        ]
    )
    assert ("purge_enquiries", ["--older-than", "30", "--spam-only"]) in cron_commands()


def test_the_readme_lists_every_cron_job_and_when_it_runs():
    assert readme_cron_table() == cron_schedule()


@pytest.mark.parametrize(("command", "arguments"), cron_commands())
def test_each_cron_line_runs_a_command_that_takes_its_arguments(command, arguments):
    assert accepts(command, arguments)


def test_the_worker_is_restarted_whenever_it_stops():
    service = unit("consultancy-worker.service")["Service"]
    assert service["Restart"] == "always"
    assert service["RestartSec"] == "5"
    executable, manage_py, command, *arguments = shlex.split(service["ExecStart"])
    assert (executable, manage_py, command) == (
        "/srv/consultancy/.venv/bin/python",
        "manage.py",
        "db_worker",
    )
    assert accepts(command, arguments)


def test_the_web_unit_runs_gunicorn_with_the_checked_in_configuration():
    service = unit("consultancy-web.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == [
        "--config",
        "gunicorn.conf.py",
        "consultancy.wsgi",
    ]
    assert service["Restart"] == "on-failure"
    # systemd waits longer than gunicorn lets requests finish before it kills.
    assert int(service["TimeoutStopSec"]) > 30


def test_both_units_read_the_same_settings_as_the_cron_wrapper():
    wrapper = (DEPLOY / "manage").read_text(encoding="utf-8")
    for name in ("consultancy-web.service", "consultancy-worker.service"):
        assert unit(name)["Service"]["EnvironmentFile"] == "/etc/consultancy/env"
    assert "${CONSULTANCY_ENV:-/etc/consultancy/env}" in wrapper
