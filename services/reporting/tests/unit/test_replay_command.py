"""`hubs-reporting replay`: the operator's rebuild of a lost reporting database runs the worker's
consumers until they have caught up with the topics, then exits; it refuses to run where it
would silently rebuild nothing."""

from __future__ import annotations

import threading

import pytest

from hubs.reporting.entrypoints import cli
from hubs.runtime.lifecycle import StopSignal


def consumers_until_stopped(started: list[StopSignal]):
    """A fake of the worker's consumers: threads that run until asked to stop."""

    def start(stop: StopSignal) -> list[threading.Thread]:
        started.append(stop)
        thread = threading.Thread(target=lambda: stop.wait(30), daemon=True)
        thread.start()
        return [thread]

    return start


def test_replay_runs_the_consumers_until_caught_up_then_stops_them():
    started: list[StopSignal] = []
    answers = iter([False, False, True])
    threads: list[threading.Thread] = []

    def start(stop):
        threads.extend(consumers_until_stopped(started)(stop))
        return threads

    cli.replay(start, lambda: next(answers), poll_seconds=0.01)

    assert started and started[0].stopping
    assert not any(thread.is_alive() for thread in threads)
    assert next(answers, "asked no more") == "asked no more"


def test_replay_gives_up_when_it_has_not_caught_up_in_time():
    now = iter(range(0, 1000, 10))
    started: list[StopSignal] = []

    with pytest.raises(cli.ReplayFailed, match="not caught up within 30 s"):
        cli.replay(
            consumers_until_stopped(started),
            lambda: False,
            timeout=30,
            poll_seconds=0.001,
            clock=lambda: float(next(now)),
        )
    assert started[0].stopping


def test_replay_fails_when_a_consumer_ends_before_catching_up():
    def start(stop):
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
        return [thread]

    with pytest.raises(cli.ReplayFailed, match="a consumer ended"):
        cli.replay(start, lambda: False, poll_seconds=0.001)


def test_replay_refuses_to_run_without_a_new_generation(monkeypatch, capsys):
    monkeypatch.delenv("HUBS_REPORTING_GENERATION", raising=False)
    monkeypatch.setenv("HUBS_REPORTING_MODE", "hub")
    monkeypatch.setattr(cli, "replay", lambda *a, **k: pytest.fail("replayed without a generation"))

    with pytest.raises(SystemExit) as exited:
        cli.main(["replay"])

    assert exited.value.code == 1
    assert "HUBS_REPORTING_GENERATION" in capsys.readouterr().err


def test_replay_refuses_to_run_in_national_mode(monkeypatch, capsys):
    monkeypatch.setenv("HUBS_REPORTING_GENERATION", "rebuild-1")
    monkeypatch.setenv("HUBS_REPORTING_MODE", "national")
    monkeypatch.setattr(cli, "replay", lambda *a, **k: pytest.fail("replayed in national mode"))

    with pytest.raises(SystemExit) as exited:
        cli.main(["replay"])

    assert exited.value.code == 1
    assert "HUBS_REPORTING_MODE" in capsys.readouterr().err


def test_the_service_commands_are_the_same_as_every_service(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "run", lambda definition, argv: seen.append((definition.name, argv)))

    cli.main(["worker"])

    assert seen == [("reporting", ["worker"])]
