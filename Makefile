# The two commands: `make run` and `make test`. Everything they need is installed by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := contracts services/runtime services/referral services/assessment \
	services/care_coordination services/outreach services/reporting services/loadgen services/portal
PORTAL_ASSETS := services/portal/src/hubs/portal/static/nhsuk/nhsuk-frontend.min.css
STAMP := $(VENV)/.installed

.PHONY: help install run run-compact stop logs test test-unit bench mutation lint format infra deploy-tools clean

help:
	@echo "make run        start a demo hub and the national reporting service (make stop, make logs)"
	@echo "make run-compact the same with the whole hub in one process (HUBS_PROFILE=compact make run)"
	@echo "make test       lint and the whole suite against real Kafka and PostgreSQL"
	@echo "make test-unit  unit and contract tests only (no broker, no database)"
	@echo "make bench      benchmarks against real Kafka and PostgreSQL (var/bench/results.json)"
	@echo "make mutation   mutation testing of each service's domain and service layer (var/mutation/results.json)"

EDITABLES := $(foreach p,$(filter-out services/portal services/referral,$(PACKAGES)),-e $(p)) \
	-e 'services/referral[test]' -e 'services/portal[test]'

$(STAMP): requirements-dev.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt $(EDITABLES)
	touch $(STAMP)

# mutmut in a virtualenv of its own: it brings setproctitle, which renames gunicorn's processes
# (and hides their environment in /proc), so the test and benchmark virtualenv stays as deployed.
MUTATION_VENV := .venv-mutation
$(MUTATION_VENV)/.installed: requirements-dev.txt requirements-mutation.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	test -x $(MUTATION_VENV)/bin/python || $(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt \
		-r requirements-mutation.txt $(EDITABLES)
	touch $@

install: $(STAMP) contracts/node_modules/.package-lock.json $(PORTAL_ASSETS)

# NHS.UK frontend's compiled CSS, JS and images for the portal, from the pinned npm package
$(PORTAL_ASSETS): services/portal/package-lock.json services/portal/build-assets.sh
	bash services/portal/build-assets.sh

contracts/node_modules/.package-lock.json: contracts/package-lock.json
	npm ci --prefix contracts --no-audit --no-fund --silent

infra: install
	bash infra/kafka/kafka.sh fetch

# helm, kubeconform, the Kubernetes and Compose schemas and a Kubernetes control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok), into .tools/
deploy-tools: install
	PYTHON=$(BIN)/python bash infra/tools/install-deploy-tools.sh >/dev/null
	bash infra/kubernetes/build.sh >/dev/null

run: infra
	bash infra/run/run.sh start

# The compact profile: the hub's five services in one process, `hubs-hub all` (docs/operations.md)
run-compact: infra
	HUBS_PROFILE=compact bash infra/run/run.sh start

stop:
	bash infra/run/run.sh stop

logs:
	bash infra/run/run.sh logs

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p hubs.contracts -p hubs.runtime
	shellcheck -x infra/lib/common.sh infra/kafka/kafka.sh infra/postgres/postgres.sh infra/run/run.sh infra/tools/*.sh \
		infra/kubernetes/*.sh

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The slowest tests are listed at the end, so a suite that grows slower says where.
test: infra lint deploy-tools
	$(BIN)/python -m pytest --durations=15

test-unit: install
	$(BIN)/python -m pytest -m "not integration and not e2e and not reliability" \
		tests/contract services/*/tests/unit

# Figures beside the raw limits of the same machine, measured in the same run (docs/performance.md)
bench: infra
	$(BIN)/python -m tests.perf.bench

# How many faults seeded in each service's domain and service layer its unit tests catch (docs/testing.md)
mutation: install $(MUTATION_VENV)/.installed
	$(MUTATION_VENV)/bin/python -m tests.mutation.run

clean:
	rm -rf $(VENV) $(MUTATION_VENV) var contracts/node_modules .tools services/portal/node_modules \
		services/portal/src/hubs/portal/static/nhsuk services/portal/src/hubs/portal/static/images
