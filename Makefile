# Nectar developer entry points (GNU make). No Docker: see deploy/devstack/README.md.
#
#   make up            start the whole local stack in the background (waits until ready)
#   make down          stop everything (data in .data/ is kept)
#   make status        what runs, where, ready or not
#   make logs [NAME=nats] [FOLLOW=1]
#   make clean-data CONFIRM=yes   delete .data/ (all local data)
#
# NECTAR_DATA_DIR overrides the data directory; NECTAR_*_PORT the ports
# (`.venv/bin/nectar-stack --help`).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
STACK := $(VENV)/bin/nectar-stack
DATA_DIR ?= $(if $(NECTAR_DATA_DIR),$(NECTAR_DATA_DIR),$(CURDIR)/.data)
ONLY ?= all
NAME ?=
FOLLOW ?=

.PHONY: help setup up down status logs run test bench chaos clean-data

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install redis/postgres/espeak-ng (apt, if missing), uv (if missing) and sync .venv
	@bash scripts/setup.sh

up: setup ## start the local stack in the background and wait until it is ready (ONLY=infra|emulators|all)
	@$(STACK) up --only $(ONLY)

down: ## stop the local stack; leaves no process behind (data is kept)
	@if [ -x $(STACK) ]; then $(STACK) down; else echo "no $(STACK): nothing to stop"; fi

status: ## show components, pids, urls, readiness
	@if [ -x $(STACK) ]; then $(STACK) status; else echo "no $(STACK): run 'make setup'"; fi

logs: ## show logs: make logs [NAME=component] [FOLLOW=1]
	@$(STACK) logs $(NAME) $(if $(FOLLOW),-f,)

run: setup up ## start everything and chat as a Telegram user (real bot: follow the edge's log)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
	  echo "Serving your real bot by long polling: talk to it in the Telegram app."; \
	  echo "Following the edge's log (Ctrl-C stops following; 'make down' stops the stack)."; \
	  $(STACK) logs telegram_edge -f; \
	else \
	  $(VENV)/bin/nectar chat; \
	fi

test: setup ## run the test suite
	@$(VENV)/bin/pytest -q

bench: setup ## run every benchmark in bench/ (each prints one JSON line last; chaos: make chaos)
	@for b in bench/*.py; do [ "$$b" = bench/chaos.py ] && continue; echo "== $$b"; $(VENV)/bin/python $$b || exit 1; done

chaos: setup ## kill each component under load on a throwaway stack; prints lost/duplicated turns (JSON)
	@$(VENV)/bin/python bench/chaos.py

clean-data: ## delete all local data (requires CONFIRM=yes; stop the stack first)
	@if [ "$(CONFIRM)" != "yes" ]; then \
	  echo "This deletes $(DATA_DIR) (databases, streams, vectors, logs)."; \
	  echo "Run 'make clean-data CONFIRM=yes' to really do it."; exit 1; fi
	@if [ -x $(STACK) ] && $(STACK) status --json | grep -q '"running": true'; then \
	  echo "the stack is running: 'make down' first"; exit 1; fi
	rm -rf -- "$(DATA_DIR)"
	@echo "removed $(DATA_DIR)"
