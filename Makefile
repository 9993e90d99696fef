# The two commands: `make run` and `make test`. Nothing but Python 3.11+ and make needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Development defaults; production sets these in its environment (README, "Cấu hình").
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: run test test-browser bench bench-councils bench-pack soak screenshots audit lint install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Cổng thi đua – khen thưởng: http://$(HOST):$(PORT)/"
	@echo "(Ctrl+C để dừng. Công việc nền chạy ngay trong tiến trình vì REDIS_URL chưa đặt.)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Browser journeys in Debian's Chromium (apt-get install chromium); .ci/run calls this.
test-browser: install-dev
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# First the province under load (bench/load.py, BENCHMARKS.md «Province scale: mixed load»): bench/services.sh
# makes PostgreSQL and Redis answer (installing and starting them as .ci/run does, as root, when they do not) and
# creates portal_bench, portal_bench_demo and portal_bench_empty empty (BENCH_KEEP=1 keeps the seeded province);
# then seed_scale, gunicorn (3 workers) and the mixed load at 25, 75, 150, 200 requests/s, and a school's pages
# on the 30-school demo. Shorter: BENCH_LOAD_ARGS="--rates 25,75 --duration 10 --bisect 0".
# The councils part runs on BENCH_DATABASE_URL (an empty PostgreSQL database, by default portal_bench_empty), the
# dossier pack (2 real workers) on it with the Redis services.sh started (BENCH_REDIS_URL, database 9).
# The documents part (engine against bare WeasyPrint: a letter, 100 / 500 / 2,000-row lists) takes about 3 minutes.
BENCH_PG ?= postgres://portal:portal@127.0.0.1:5432
BENCH_DATABASE_URL ?= $(BENCH_PG)/portal_bench_empty
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/9
bench: install-dev
	bench/services.sh
	$(BIN)/python -m bench.load --database-url $(BENCH_PG)/portal_bench --prepare scale \
		--compare-database-url $(BENCH_PG)/portal_bench_demo $(BENCH_LOAD_ARGS)
	$(BIN)/python -m bench.bulk --seeded --runs 5 --database-url $(BENCH_PG)/portal_bench_demo
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.documents --runs 3
	$(BIN)/python -m bench.councils --members 30 --postgres-only $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL),)
	REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python -m bench.documents --pack --skip-unconfigured $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL),)

# 30 council members casting their ballot sheet at once; meaningful on PostgreSQL:
# make bench-councils BENCH_DATABASE_URL=postgres://user:pass@host/an_empty_database
bench-councils: install-dev
	$(BIN)/python -m bench.councils --members 30 $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL),)

# Each role's home and each level's dashboard at desktop and phone sizes, into docs/screenshots/ (Chromium).
screenshots: install-dev
	$(BIN)/python -m bench.screenshots

# The dossier pack of a 200-nominee dossier on 2 Celery workers (BENCHMARKS.md, "Documents"):
# make bench-pack BENCH_DATABASE_URL=postgres://user:pass@host/an_empty_database REDIS_URL=redis://127.0.0.1:6379/9
bench-pack: install-dev
	$(BIN)/python -m bench.documents --pack --database-url $(BENCH_DATABASE_URL)

# The soak (issue 15 item 7; BENCHMARKS.md «Soak», docs/operations.md «Chạy thử bền»): the mixed load held at
# SOAK_RATE requests/s (empty: the highest rate that passed in the last «Province scale: mixed load» run) for
# SOAK_MINUTES on SOAK_DATABASE_URL (by default the province `BENCH_KEEP=1 make bench` leaves). Reports errors, each
# worker's RSS at the start and the end against SOAK_RSS_GROWTH_MB, and lost writes; exits 1 if any fails.
# A 30-second smoke on the demo: make soak SOAK_DATABASE_URL=$(BENCH_PG)/a_database SOAK_RATE=10 SOAK_MINUTES=0.5 \
#   SOAK_ARGS="--prepare demo --output -"
SOAK_DATABASE_URL ?= $(BENCH_PG)/portal_bench
SOAK_RATE ?=
SOAK_MINUTES ?= 10
SOAK_RSS_GROWTH_MB ?= 50
soak: install-dev
	$(BIN)/python -m bench.load --database-url $(SOAK_DATABASE_URL) --soak $(SOAK_MINUTES) \
		$(if $(SOAK_RATE),--rates $(SOAK_RATE),) --rss-growth-mb $(SOAK_RSS_GROWTH_MB) $(SOAK_ARGS)

# Security scans, as in .ci/run: bandit on the portal's code ([tool.bandit] in pyproject.toml), then pip-audit on
# requirements.txt. pip-audit needs a route to PyPI's advisory API: without one it prints NOT AUDITED and passes
# (AUDIT_STRICT=1 makes that fail too); a known vulnerability always fails.
audit: install-dev
	$(BIN)/bandit -r . -c pyproject.toml -q
	$(BIN)/python -m ops.dependency_audit $(if $(AUDIT_STRICT),--strict,)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
