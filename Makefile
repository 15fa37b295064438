# The two commands of the quick start, and the developer's other doors.
#   make run     install what is missing, build, start rtm
#   make test    install what is missing, build, run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

DEPS := scripts/install-deps.sh
RUN_ARGS ?=

.PHONY: help deps build run run-distributed test test-asan test-tsan test-fuzz test-containers bench lint format clean \
        build-images up down logs prune

help:
	@echo "make run     build (release) and start rtm run"
	@echo "make run-distributed  the same as separate processes over a development Kafka"
	@echo "make test    build with ASan/UBSan and TSan and run every test, then test-containers"
	@echo "make test-containers  build the images, run the compose test profile end to end, validate compose, k8s, workflows"
	@echo "make build-images     build the four images (tag dev; PROFILE=dev builds them with a debug build)"
	@echo "make up / down / logs PROFILE=dev|prod   the compose stack (reads .env; see .env.example)"
	@echo "make prune   remove the stack's containers and volumes, and dangling images"
	@echo "make bench   build optimized benchmarks, print the comparisons, write build/bench/summary.json"
	@echo "make lint    clang-format check and clang-tidy"
	@echo "make clean   remove build/"

deps:
	@$(DEPS)

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release

run: build
	./build/release/services/rtm/rtm run $(RUN_ARGS)

# rtm kafka-mock, rtm-stream, rtm-api and rtm-ingest as separate processes.
run-distributed: build
	scripts/run-distributed.sh build/release $(RUN_ARGS)

# TSan and the fuzzers first, so that the last summary printed is the whole
# suite's; then the containers, which need the release build's sources only.
test: test-tsan test-fuzz test-asan test-containers

test-asan: deps
	scripts/install-deps.sh browser
	scripts/install-deps.sh k8s
	cmake --preset debug >/dev/null
	cmake --build --preset debug
	ctest --preset debug

# The concurrency tests again, under ThreadSanitizer: only their binaries are built.
test-tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan --target rtm_msg_concurrency_tests
	ctest --preset tsan

# The libFuzzer targets (venue adapters, the API's query strings and WebSocket
# messages), briefly; scripts/fuzz.sh --seconds N
# runs them longer.
test-fuzz: deps
	scripts/fuzz.sh --seconds 20

# Images, the compose test profile end to end, compose/k8s/workflow checks.
test-containers: deps
	docker/ci/test-containers.sh

PROFILE ?= dev
IMAGE_TAG ?= dev

build-images:
	docker/ci/setup-engine.sh
	BUILD_TYPE=$(if $(filter dev,$(PROFILE)),Debug,Release) docker/ci/build.sh $(IMAGE_TAG)

up: $(if $(filter dev,$(PROFILE)),build-images)
	scripts/compose.sh $(PROFILE) up -d
	@echo "rtm ($(PROFILE)): dashboard on the gateway's port (RTM_GATEWAY_PORT in .env, 80 by default)"

down:
	scripts/compose.sh $(PROFILE) down

logs:
	scripts/compose.sh $(PROFILE) logs --follow --tail 100

prune:
	scripts/compose.sh $(PROFILE) down --volumes --remove-orphans
	$$(command -v docker >/dev/null && docker info >/dev/null 2>&1 && echo docker || echo podman) image prune -f

# Every part runs; the target fails if any of them failed or missed its goal.
bench: deps
	cmake --preset bench >/dev/null
	cmake --build --preset bench
	status=0; \
	  scripts/with-postgres.sh python3 scripts/bench_summary.py --build-dir build/bench --out build/bench/summary.json || status=$$?; \
	  { scripts/install-deps.sh bench && scripts/rest_bench.sh build/bench; } || status=$$?; \
	  build/bench/benchmarks/bin/rtm_api_fanout_bench --summary build/bench/summary.json || status=$$?; \
	  exit $$status

lint: deps
	@scripts/install-deps.sh lint
	scripts/lint.sh

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
