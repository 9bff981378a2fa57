"""A unit of work for unit tests, in memory, that behaves as the database's does where handlers
rely on it: what a handler writes inside `with uow:` is kept only if it commits (a handler that
forgets `uow.commit()` leaves nothing behind and emits nothing), and the new events of the
aggregates its repositories saw are emitted at commit. Services give it their fake repositories."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from typing import Any, Self

from hubs.contracts import new_envelope
from hubs.runtime.unit_of_work import TrackingRepository, collect_new_events, event_rows, to_outbox


class FakeOutbox:
    """Validates every event against its published contract, as the real outbox does. `events`
    holds what was committed; inside an uncommitted unit of work events wait, and are dropped
    if it ends without a commit. `entry(...)` chooses what a test sees of each event."""

    def __init__(self, hub_id: str = "unit-hub", producer: str = "unit@unit-hub"):
        self.hub_id, self.producer = hub_id, producer
        self.events: list[Any] = []
        self._waiting: list[Any] | None = None

    def add(
        self,
        event_type: str,
        data: Mapping[str, Any],
        *,
        case_id: Any = None,
        aggregate_id: str | None = None,
        national: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        envelope = new_envelope(event_type, data, hub_id=self.hub_id, producer=self.producer, case_id=case_id)
        about = {"case_id": case_id, "aggregate_id": aggregate_id, "national": national, **extra}
        entry = self.entry(envelope, event_type, data, **about)
        self._written().append(entry)
        return envelope

    def row(self, event_type: str, data: Mapping[str, Any], **about: Any) -> dict[str, Any]:
        """What the real outbox's `row` stands for, checked against the contract: `add(**row)` writes it."""
        new_envelope(event_type, data, hub_id=self.hub_id, producer=self.producer, case_id=about.get("case_id"))
        return {"event_type": event_type, "data": data, **about}

    def add_all(self, rows: list[dict[str, Any]]) -> None:
        """Rows made by `row`, written in their order."""
        for row in rows:
            self.add(**row)

    def entry(self, envelope: dict[str, Any], event_type: str, data: Mapping[str, Any], **about: Any) -> Any:
        return (event_type, data, about.get("case_id"))

    def types(self) -> list[str]:
        return [e[0] for e in self.events]

    def _begin(self) -> None:
        self._waiting = []

    def _commit(self) -> None:
        self.events.extend(self._waiting or [])
        self._waiting = [] if self._waiting is not None else None

    def _written(self) -> list[Any]:
        return self.events if self._waiting is None else self._waiting

    def _end(self) -> None:
        self._waiting = None


class _Watched(TrackingRepository):
    """A fake repository whose use since the last commit is noted (its aggregates seen, if asked)."""

    def __init__(self, repository: Any, seen: dict[int, Any], uow: FakeUnitOfWork, collects: bool):
        super().__init__(repository, seen if collects else {})
        object.__setattr__(self, "_uow", uow)

    def __getattr__(self, name: str) -> Any:
        found = super().__getattr__(name)
        if callable(found):
            self._uow._touched = True
        return found


class FakeUnitOfWork:
    """`with uow: ... uow.commit()` over fake repositories, given by name.

    Inside `with`, the repositories' state at the last commit (or at entry) is kept aside and put
    back when the block ends with writes not committed; outboxes' events wait for the commit.
    Outside `with` (a test setting the scene), writes and events land at once. With
    `collects_events`, repositories are seen through the unit of work as the real one's tracked
    repositories are, and their aggregates' new events go to `outbox` at commit."""

    collects_events = False
    # Set from the outboxes given, as are the repositories from theirs, by name.
    outbox: FakeOutbox

    def __init__(
        self, outbox: FakeOutbox | None = None, *, outboxes: Mapping[str, FakeOutbox] | None = None, **repositories: Any
    ):
        self._seen: dict[int, Any] = {}
        self._repositories = dict(repositories)
        self._outboxes = {"outbox": outbox or FakeOutbox(), **dict(outboxes or {})}
        self._touched = False
        for name, repository in repositories.items():
            setattr(self, name, _Watched(repository, self._seen, self, self.collects_events))
        for name, box in self._outboxes.items():
            setattr(self, name, box)
        self.commits = 0
        self._kept: dict[str, dict[str, Any]] | None = None

    @property
    def committed(self) -> bool:
        return self.commits > 0

    @committed.setter
    def committed(self, value: bool) -> None:
        self.commits = int(value)

    def __enter__(self) -> Self:
        self._seen.clear()
        self._kept, self._touched = self._state(), False
        for box in self._outboxes.values():
            box._begin()
        return self

    def __exit__(self, *exc_info: object) -> None:
        kept, self._kept = self._kept, None
        if kept is not None and self._touched:
            for name, state in kept.items():
                live = vars(self._repositories[name])
                live.clear()
                live.update(state)
        for box in self._outboxes.values():
            box._end()
        self._seen.clear()

    def event_rows(self, aggregate: Any) -> list[dict[str, Any]]:
        """The aggregate's new events as the outbox's rows, taken off it, as the real unit of work does."""
        return event_rows(self.outbox, aggregate)

    def commit(self) -> None:
        for aggregate, domain_event in collect_new_events(self._seen):
            to_outbox(self.outbox.add, aggregate, domain_event)
        self.commits += 1
        for box in self._outboxes.values():
            box._commit()
        if self._kept is not None:
            self._kept, self._touched = self._state(), False

    @contextlib.contextmanager
    def savepoint(self, *, keep: bool) -> Iterator[None]:
        """Like the database's: what is written inside is undone, events too, unless kept."""
        state = self._state()
        marks = {name: len(box._written()) for name, box in self._outboxes.items()}
        yield
        if not keep:
            for name, repository in self._repositories.items():
                vars(repository).clear()
                vars(repository).update(state[name])
            for name, box in self._outboxes.items():
                del box._written()[marks[name] :]

    def rollback(self) -> None:
        if self._kept is not None:
            self.__exit__(None, None, None)
            self.__enter__()

    def _state(self) -> dict[str, dict[str, Any]]:
        # A repository may hold the unit of work itself: that reference is kept, not copied.
        return {
            name: copy.deepcopy(vars(repository), {id(self): self}) for name, repository in self._repositories.items()
        }
