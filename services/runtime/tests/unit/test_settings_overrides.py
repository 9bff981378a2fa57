"""Settings given in code (tests, tools) are checked against the fields they override."""

from dataclasses import fields
from typing import get_type_hints

from hubs.runtime.settings import Settings, SettingsOverrides


def test_every_setting_but_the_service_can_be_overridden_in_code():
    # `service` is the first argument of Settings.from_env, never an override.
    assert set(SettingsOverrides.__annotations__) == {f.name for f in fields(Settings)} - {"service"}


def test_overrides_have_the_types_of_the_settings_they_replace():
    declared = get_type_hints(Settings)
    overrides = get_type_hints(SettingsOverrides)
    assert overrides == {name: declared[name] for name in overrides}
