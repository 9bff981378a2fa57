from hubs.care_coordination.adapters.orm import metadata
from hubs.runtime.migrations import run_env

run_env(metadata)
